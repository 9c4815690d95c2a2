package trust

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rtdev/rtdev/ca"
)

// EnvStores is the environment variable that selects stores when --store is
// not given, like mkcert's TRUST_STORES.
const EnvStores = "RTDEV_TRUST_STORES"

// storeKind is one trust store rtdev manages.
type storeKind struct {
	name  string // as --store and RTDEV_TRUST_STORES take it
	about string // what it covers, for rtdev trust --help
	// effect says what a CA missing from the store breaks, naming the
	// symptom the user sees (doctor's message).
	effect string
	open   func(env Env, c *ca.CA) Store
	// available reports whether this environment has the store at all;
	// nil: every environment has it (a store that does not apply on
	// this OS reports Unsupported in its result instead).
	available func(env Env) bool
	// unavailable says why a store is missing here, for a selection that
	// names it anyway.
	unavailable string
}

// registry lists the stores in the order they are listed and run. A new
// store is its own file plus one entry here.
var registry = []storeKind{
	{name: StoreSystem, open: newSystemStore,
		about:  "the system store (Debian/Ubuntu, Fedora, Arch, openSUSE, macOS keychain, Windows user store)",
		effect: "tools that read the OS store (curl, Go, Python's ssl, Safari and Chrome outside Linux) reject rtdev certificates"},
	// On Linux Chrome reads NSS (~/.pki/nssdb), not the system store, which
	// is the classic "works in Postman, ERR_CERT_AUTHORITY_INVALID in the
	// browser" report.
	{name: StoreNSS, open: func(env Env, c *ca.CA) Store { return &nssStore{env: env, ca: c} },
		about:  "every NSS database Chrome/Chromium and Firefox read (created for Chromium when none exists)",
		effect: "Chromium and Firefox show ERR_CERT_AUTHORITY_INVALID (SEC_ERROR_UNKNOWN_ISSUER) and wss:// fails silently"},
	{name: StoreJava, open: func(env Env, c *ca.CA) Store { return &javaStore{env: env, ca: c} },
		about:  "the cacerts of every JDK found (JAVA_HOME, java on PATH, /usr/lib/jvm, macOS java_home; RTDEV_JAVA_HOMES replaces that search, none skips Java)",
		effect: "Java clients fail with \"PKIX path building failed\""},
	{name: StoreWindows, open: func(env Env, c *ca.CA) Store { return &wslStore{env: env, ca: c} }, available: inWSL,
		about:       "inside WSL: the Windows user's Root store (Chrome, Edge, Firefox 120+ on Windows), through powershell.exe",
		effect:      "Chrome, Edge and Firefox on Windows show NET::ERR_CERT_AUTHORITY_INVALID for servers running in WSL",
		unavailable: "the windows store is the Windows user's Root store seen from inside WSL, and this is not WSL (on Windows itself, the system store is that store)"},
}

// Names lists the stores this environment has, in the order they run: the
// names --store and RTDEV_TRUST_STORES take here.
func Names(env Env) []string {
	env = env.withDefaults()
	var out []string
	for _, k := range registry {
		if k.available == nil || k.available(env) {
			out = append(out, k.name)
		}
	}
	return out
}

// About describes every registered store, in order, for help text: name,
// then what it covers.
func About() [][2]string {
	out := make([][2]string, len(registry))
	for i, k := range registry {
		out[i] = [2]string{k.name, k.about}
	}
	return out
}

// Effect says what a CA missing from the named store breaks.
func Effect(store string) string {
	if k := kind(store); k != nil {
		return k.effect
	}
	return "programs reading it reject rtdev certificates"
}

func kind(name string) *storeKind {
	for i := range registry {
		if registry[i].name == name {
			return &registry[i]
		}
	}
	return nil
}

// Registered lists every store rtdev knows, whatever this environment has,
// in order: for help text and for messages about a name that is none of
// them.
func Registered() []string {
	out := make([]string, len(registry))
	for i, k := range registry {
		out[i] = k.name
	}
	return out
}

// ErrUnknownStore is wrapped by the error for a store name rtdev does not
// know; callers treat it as a usage error.
var ErrUnknownStore = errors.New("unknown trust store")

// ParseSelection parses a comma list of store names. "" selects every store
// (nil); "none" selects none (an empty, non-nil slice). Names are
// case-insensitive and may repeat.
func ParseSelection(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if strings.EqualFold(s, "none") {
		return []string{}, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		name := strings.ToLower(strings.TrimSpace(part))
		if name == "" {
			continue
		}
		if !known(name) {
			return nil, unknownStore(name)
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	if out == nil {
		return nil, fmt.Errorf("%w: empty list %q (valid: %s, or none)", ErrUnknownStore, s, strings.Join(Registered(), ", "))
	}
	return out, nil
}

// ErrStoreUnavailable is wrapped by the error for a store selected where
// this environment does not have it.
var ErrStoreUnavailable = errors.New("trust store not available here")

// SelectionFor is the selection from the --store flag value, else from
// RTDEV_TRUST_STORES. A store this environment lacks is an error that says
// why, not silently nothing.
func SelectionFor(flag string, env Env) ([]string, error) {
	env = env.withDefaults()
	if flag == "" {
		flag = env.Getenv(EnvStores)
	}
	sel, err := ParseSelection(flag)
	for _, name := range sel {
		if k := kind(name); k.available != nil && !k.available(env) {
			return nil, fmt.Errorf("%w: %s", ErrStoreUnavailable, k.unavailable)
		}
	}
	return sel, err
}

// unknownStore is the error for a name that is not a store, listing the
// valid ones.
func unknownStore(name string) error {
	return fmt.Errorf("%w %q (valid: %s, or none)", ErrUnknownStore, name, strings.Join(Registered(), ", "))
}

func known(name string) bool { return kind(name) != nil }

// Stores returns the selected stores for c, in registry order.
// A nil selection is every store; each reports Skipped or Unsupported where
// it does not apply, so a status table always shows all three.
func Stores(env Env, c *ca.CA, selection []string) ([]Store, error) {
	if c == nil || c.Cert == nil {
		return nil, errors.New("trust stores: no CA certificate")
	}
	env = env.withDefaults()
	want := map[string]bool{}
	for _, n := range selection {
		n = strings.ToLower(n)
		if !known(n) {
			return nil, unknownStore(n)
		}
		want[n] = true
	}
	stores := []Store{}
	for _, k := range registry {
		if (selection != nil && !want[k.name]) || (k.available != nil && !k.available(env)) {
			continue
		}
		stores = append(stores, k.open(env, c))
	}
	return stores, nil
}
