package defaults

import "time"

// rtdev serve's settings, named after peerjs-server's flags, with
// peerjs-server's own defaults so an unmodified peerjs client's options
// work as they are.
const (
	ServePort       = 9000
	ServePath       = "/"
	ServeKey        = "peerjs"
	ExpireTimeout   = 5 * time.Second
	AliveTimeout    = 60 * time.Second
	ConcurrentLimit = 5000
	// ServeBind is loopback: the LAN is opt-in (--lan).
	ServeBind = "127.0.0.1"
)

// ProxyPort is where rtdev proxy listens unless told otherwise: 8443, the
// usual alternative HTTPS port, which needs no privileges.
const ProxyPort = 8443

// PagePrefix is where rtdev serve mounts its own pages (the check page,
// /rtdev/health, the phone setup and the CA files), beside PeerJS's.
const PagePrefix = "/rtdev/"
