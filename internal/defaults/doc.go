// Package defaults holds the value each rtdev serve and rtdev proxy setting
// takes when neither a flag nor rtdev.toml sets it, and the fixed path of
// serve's own pages. It has no dependencies, so devserver, project,
// templates and cmd all read the same constants: a default is written once.
package defaults
