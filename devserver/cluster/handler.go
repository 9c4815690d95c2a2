package cluster

// Handler is the instance's side of a Broker, in the shape of centrifuge's
// BrokerEventHandler: the realm's local API, the only way the broker
// reaches the connections and offline queues of its instance. A message
// arrives as a Message and, where it is charged to the instance's byte
// budget, as its encoded frame too.
type Handler interface {
	// Full reports whether admitting id here would pass the concurrent
	// limit.
	Full(id string) bool
	// Connected reports whether id is connected here.
	Connected(id string) bool
	// IDs lists the ids connected here; Count is how many there are.
	IDs() []string
	Count() int
	// Claims lists the claims of the connections here that hold one.
	Claims() []HeldClaim
	// Replaced unregisters and closes id's connection here if it still
	// holds claim: a newer claim elsewhere has won, by a reconnect with
	// the same token or by a takeover.
	Replaced(id, claim string, sameToken bool) bool
	// Valid reports whether m is a message a peer may send (its type and
	// payload), as the instance checks a frame from a browser.
	Valid(m Message) bool
	// Deliver relays m to its destination here, as a message from
	// another instance; it copies what it keeps.
	Deliver(m Message)
	// QueueBehind and QueueHere place a message Redis has not delivered
	// in the offline queue here: QueueBehind only behind one already
	// waiting, QueueHere unless its destination is connected here (false:
	// the caller delivers it). true means frame is the queue's now.
	QueueBehind(m Message, frame []byte) bool
	QueueHere(m Message, frame []byte) bool
	// Flush takes id's offline queue here for the instance id connected
	// to: its messages, and its frames, still charged, for Done.
	Flush(id string) ([]Message, [][]byte)
	// Done gives frame's share of the byte budget back and recycles it.
	Done(frame []byte)
}

// Message is a PeerJS message relayed between instances.
type Message struct {
	Type, Src, Dst string
	Payload        []byte // nil when the message has none
}

// HeldClaim is one connection's claim on its id.
type HeldClaim struct{ ID, Claim string }

// Admission is what the cluster decided about a connection; see Admit.
type Admission int

const (
	AdmittedHere Admission = iota // as local decided (it may have refused)
	RefusedFull                   // the concurrent limit here; nothing claimed
	RefusedTaken                  // held elsewhere with another token
	TookBack                      // from another instance, with the same token
	TookOver                      // from another instance, with another token
)
