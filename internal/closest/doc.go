// Package closest suggests what a mistyped name was meant to be: the
// "did you mean" of `rtdev snippet vitee` (vite) and of an unknown
// rtdev.toml key such as prot under [serve] (port). It is the one home for
// that rule, so both messages suggest the same way.
package closest
