// Package tlsflags is the command line the harness gives the bench's own
// servers (the floor server and devprof): a loopback port and the project
// certificate, the listener and certificate they make, and the
// serve-until-signal loop they share with the plain echo backend.
package tlsflags
