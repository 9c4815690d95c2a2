// Package project knows a project's rtdev files: rtdev.toml (committed:
// hosts, serve settings, key type, validity, targets; never a secret), the
// ignored .rtdev/ folder holding the certificate set, the .gitignore line
// that keeps it out of git, and the host names and addresses a developer
// will type: LAN addresses come from network cards only, told apart from
// container, VM and VPN interfaces by kind (InterfaceKind, read from sysfs
// on Linux). Ensure brings the certificate set up to date; both `rtdev init`
// and `rtdev serve` call it.
package project
