package trust

import "context"

// unsupportedStore answers every call with Unsupported and the reason, so a
// caller can list it instead of silently dropping it.
type unsupportedStore struct {
	name, location, reason string
}

func (s *unsupportedStore) Name() string { return s.name }

func (s *unsupportedStore) result() []Result {
	return []Result{{Store: s.name, Location: s.location, State: Unsupported, Reason: s.reason}}
}

func (s *unsupportedStore) Status(context.Context) []Result    { return s.result() }
func (s *unsupportedStore) Install(context.Context) []Result   { return s.result() }
func (s *unsupportedStore) Uninstall(context.Context) []Result { return s.result() }
