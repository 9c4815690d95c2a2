// Package cmd is rtdev's command-line layer: cobra commands, flags, output
// and exit codes. It is the only package that imports cobra, prints, or
// decides an exit status; the packages it drives (ca, project, trust,
// devserver, templates, doctor) return values and wrapped errors.
//
// Every command follows one shape: an options struct, newCmdX that binds
// flags into it, and runX(opts) that does the work. Tests run Main
// in-process through testscript (testdata/script/*.txtar).
package cmd
