// Package cluster is the Redis broker that makes several rtdev signaling
// servers one PeerJS realm (rtdev serve --cluster): it settles which
// connection holds each id across the instances, carries messages to the
// instance holding their destination, and hands an offline queue to the
// instance its id connects to.
//
// It never touches a server's connections or queues itself: a Broker
// reaches its instance only through a Handler, the realm's local API, in
// the shape of centrifuge's Broker and BrokerEventHandler. devserver
// constructs the Broker and implements the Handler, so this package needs
// nothing of devserver, and a program that never clusters never calls it.
//
// Redis is untrusted input: envelopes are checked as strictly as frames
// from a browser (wire.go), reply sizes are bounded before go-redis reads
// them (replylimit.go), and a reply that crashes go-redis ends that
// connection, never the process (crash.go).
package cluster
