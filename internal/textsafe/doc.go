// Package textsafe makes untrusted text safe to show: Terminal escapes
// every rune a terminal would act on rather than display (the OSC 52
// clipboard write, colour changes, bidi overrides), and Plain tells text
// that needs no escaping. It is the one home for that rule, used by the
// log handlers, cmd's output, doctor's report, the signaling server's id
// check and the proxy's access log.
package textsafe
