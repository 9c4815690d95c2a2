package devserver

// memoryBroker is the broker of a single server: the realm is the whole
// realm, so every decision is the realm's.
type memoryBroker struct{ s *Server }

func (b memoryBroker) admit(c *client) (outcome, *client) {
	return b.s.realm.admit(c, b.s.cfg.ConcurrentLimit, b.s.cfg.AllowOverride)
}

func (memoryBroker) release(*client)              {}
func (memoryBroker) forward(message, []byte) bool { return false }
func (b memoryBroker) inUse(id string) bool       { return b.s.realm.has(id) }
func (b memoryBroker) ids() []string              { return b.s.realm.ids() }
func (memoryBroker) health() *ClusterHealth       { return nil }
func (memoryBroker) close()                       {}
