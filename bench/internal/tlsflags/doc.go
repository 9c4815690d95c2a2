// Package tlsflags is the command line the harness gives the bench's own
// servers (the floor server and devprof): a loopback port and the project
// certificate, and the listener and certificate they make.
package tlsflags
