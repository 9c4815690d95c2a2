package cluster

// Health is the state of a Broker, the cluster part of the health report
// of a server that is one instance of a cluster.
type Health struct {
	Broker    string `json:"broker"`     // the Redis URL, password redacted
	Reachable bool   `json:"reachable"`  // the last command to Redis succeeded
	Instance  string `json:"instance"`   // this instance's id in the cluster
	PeersHere int    `json:"peers_here"` // ids connected to this instance
	ClaimTTL  string `json:"claim_ttl"`

	Forwarded uint64 `json:"forwarded"` // messages published to another instance
	Received  uint64 `json:"received"`  // messages from other instances delivered or queued here
	Malformed uint64 `json:"malformed"` // messages from Redis dropped as invalid
	Lost      uint64 `json:"lost"`      // times the connection to Redis was lost
	Conflicts uint64 `json:"conflicts"` // local peers closed because their id was claimed elsewhere
}
