package devserver

// broker decides what one instance cannot decide alone: who holds an id
// across every instance of a realm, and where a message for an id held
// elsewhere goes. A single server uses memoryBroker, which leaves every
// decision to the realm as before; rtdev serve --cluster uses clusterBroker
// (broker_cluster.go), which asks the Redis broker. The relay path calls the broker only for a destination
// that is not connected here, so a single server pays nothing per message
// beyond that one interface call.
type broker interface {
	// admit registers c, as realm.admit does, after settling the id
	// cluster-wide; on success it is c's id's current client.
	admit(c *client) (outcome, *client)
	// release gives up c's claim on its id once its session has ended.
	release(c *client)
	// forward takes m, encoded as data (not charged to the byte budget),
	// for a dst not connected here; false means it is not the broker's,
	// and the caller queues or drops it as a single server does. true
	// means data is the broker's to recycle.
	forward(m message, data []byte) bool
	// inUse reports whether id is connected on any instance.
	inUse(id string) bool
	// ids lists the ids connected on every instance, sorted.
	ids() []string
	// health reports the cluster's state; nil on a single server.
	health() *ClusterHealth
	// close ends the broker's work once every session has ended.
	close()
}

// replacedBy is how a client's connection ends when another connection
// takes its id: a reconnect with the same token closes it quietly, a
// takeover (AllowOverride, or a claim that won in the cluster) sends
// OVERRIDE_CONNECTION first and closes with 4001.
func replacedBy(sameToken bool) closeReq {
	if sameToken {
		return closeReq{code: closeNormal, reason: "replaced by a reconnect with the same token"}
	}
	return closeReq{
		final:  serverMessage(typeOverridden, msgOverridden),
		code:   closeOverridden,
		reason: "id taken over by a newer connection",
	}
}
