// Package wsltest is the Windows side of WSL for rtdev's tests, where no
// Windows runs: stand-in powershell.exe, wslpath and wslinfo programs (one
// python3 script) that record their argv and standard input, keep a fake
// current-user Root store in a file and answer as Windows does, CRLF,
// UTF-16 and all. Health fetches are real: the stand-in fetches over TLS
// trusting exactly the certificates in its fake store.
package wsltest
