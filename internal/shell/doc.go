// Package shell writes words for a POSIX shell (sh, dash, bash, zsh), so
// every command rtdev shows for pasting — a doctor fix, a trust store's
// manual command, a hint, an `rtdev env` export, a snippet — runs as shown
// whatever the project folder is called.
//
// It is its own package, below templates, doctor, trust, ca and cmd,
// because all of them print such commands and none of them should import
// another just to quote: templates is the snippet renderer and trust the
// store code, neither a place the CA package or doctor should depend on.
// fish and PowerShell quoting stay in templates, the only place that
// writes for those shells.
package shell
