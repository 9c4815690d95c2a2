// Package nonroot runs the rtdev binary as an ordinary user (setpriv, from
// util-linux) on a machine without sudo, as a new developer's laptop may
// be, and checks what init says about the system trust store it cannot
// write: one message, with a command that can work.
//
// The package holds only tests; they need root to drop to another user.
package nonroot
