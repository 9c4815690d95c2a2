package trust

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rtdev/rtdev/ca"
)

// EnvStores is the environment variable that selects stores when --store is
// not given, like mkcert's TRUST_STORES.
const EnvStores = "RTDEV_TRUST_STORES"

// storeNames in the order stores are listed and run.
var storeNames = []string{StoreSystem, StoreNSS, StoreJava}

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
		return nil, fmt.Errorf("%w: empty list %q (valid: %s, or none)", ErrUnknownStore, s, strings.Join(storeNames, ", "))
	}
	return out, nil
}

// SelectionFor is the selection from the --store flag value, else from
// RTDEV_TRUST_STORES.
func SelectionFor(flag string, env Env) ([]string, error) {
	if flag == "" {
		env = env.withDefaults()
		flag = env.Getenv(EnvStores)
	}
	return ParseSelection(flag)
}

// unknownStore is the error for a name that is not a store, listing the
// valid ones.
func unknownStore(name string) error {
	return fmt.Errorf("%w %q (valid: %s, or none)", ErrUnknownStore, name, strings.Join(storeNames, ", "))
}

func known(name string) bool { return slices.Contains(storeNames, name) }

// Stores returns the selected stores for c, in the order system, nss, java.
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
	for _, n := range storeNames {
		if selection != nil && !want[n] {
			continue
		}
		switch n {
		case StoreSystem:
			stores = append(stores, newSystemStore(env, c))
		case StoreNSS:
			stores = append(stores, &nssStore{env: env, ca: c})
		case StoreJava:
			stores = append(stores, &javaStore{env: env, ca: c})
		}
	}
	return stores, nil
}
