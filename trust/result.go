package trust

import "context"

// State is what a store found or did at one location.
type State string

// States reported in a [Result].
const (
	// Installed: Status found the CA trusted, or Install just added it.
	Installed State = "installed"
	// Already: Install found the CA trusted and changed nothing.
	Already State = "already"
	// Missing: Status did not find the CA, or Uninstall found nothing of
	// rtdev's to remove.
	Missing State = "missing"
	// Removed: Uninstall removed what rtdev had added.
	Removed State = "removed"
	// Skipped: the store does not apply here (no JDK, no certutil, no
	// profile); Reason says why and Command how to fix it when it can.
	Skipped State = "skipped"
	// Failed: a command or a check failed; Output holds what it printed.
	Failed State = "failed"
	// Unsupported: rtdev cannot manage this store on this platform.
	Unsupported State = "unsupported"
	// Declined: the user answered No to the confirmation dialog the
	// platform showed (Windows' root certificate warning); nothing changed.
	Declined State = "declined"
)

// Names of the stores, as used by --store and RTDEV_TRUST_STORES.
const (
	StoreSystem = "system"
	StoreNSS    = "nss"
	StoreJava   = "java"
	// StoreWindows is the Windows user's Root store seen from inside WSL;
	// on Windows itself that store is StoreSystem.
	StoreWindows = "windows"
)

// Result is the outcome for one store location.
type Result struct {
	Store    string `json:"store"`
	Location string `json:"location,omitempty"`
	State    State  `json:"state"`
	// Reason says why, in one lowercase sentence, when the state alone
	// does not.
	Reason string `json:"reason,omitempty"`
	// Command is the exact command line a user can run by hand to do what
	// failed or was skipped (or to install a missing tool).
	Command string `json:"command,omitempty"`
	// Output is what the failing command printed.
	Output string `json:"output,omitempty"`
	// RestartBrowser is set when a browser reads this store only at start.
	RestartBrowser bool `json:"restart_browser,omitempty"`
	// OtherCAs are the SHA-1 thumbprints of other rtdev CAs the store
	// holds (an old CA, or another machine's): the usual reason a store
	// that "has the rtdev CA" still rejects this CA's certificates.
	OtherCAs []string `json:"other_cas,omitempty"`
	Err      error    `json:"-"`
}

// Problem reports whether r is something the user has to act on: the CA is
// missing from a store that applies, or an operation failed.
func (r Result) Problem() bool {
	return r.State == Missing || r.State == Failed || r.State == Declined
}

// RestartNeeded reports whether any result asks for a browser restart.
func RestartNeeded(results []Result) bool {
	for _, r := range results {
		if r.RestartBrowser {
			return true
		}
	}
	return false
}

// Store is one kind of trust store. Every method returns at least one Result
// and never panics on a machine where the store is absent.
type Store interface {
	Name() string
	Status(ctx context.Context) []Result
	Install(ctx context.Context) []Result
	Uninstall(ctx context.Context) []Result
}

// preInstall decides from a status whether Install has anything to do:
// Installed becomes Already, and a status that is neither Installed nor
// Missing (failed, skipped) is already the answer.
func preInstall(st Result) (Result, bool) {
	switch st.State {
	case Installed:
		st.State = Already
		return st, true
	case Missing:
		return st, false
	}
	return st, true
}
