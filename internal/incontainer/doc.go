// Package incontainer tells whether rtdev runs inside a container, a dev
// container or a Codespace, from the marks each leaves: files the engine
// creates and variables the tools set. Inside one, the project's
// certificate set belongs to the host that mounted the folder: rtdev uses
// it and never makes a second CA that the host's browser would not trust.
package incontainer
