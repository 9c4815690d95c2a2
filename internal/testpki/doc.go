// Package testpki gives tests of TLS servers (tlsserve, devserver) the
// certificate set `rtdev init` gives a project, made by the ca package the
// product uses, so a server is tested with the kind of certificate it
// serves.
//
// It is a package of its own, not part of testtool, because it imports ca,
// and ca's own tests import testtool.
package testpki
