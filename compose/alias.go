package compose

import (
	"regexp"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/rtdev/rtdev/project"
)

// dnsLabel is a name that can stand before project.ServiceAliasDomain and
// be matched by the leaf's *.rtdev.internal wildcard: one LDH label.
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Alias is the name a service that serves TLS has for the others:
// SERVICE.rtdev.internal. A service name alone is one label, which a
// name-constrained CA can never cover; the leaf always lists
// *.rtdev.internal, so the alias is covered without a reissue. It returns
// "" for a name that is not a DNS label (dots or underscores).
func Alias(service string) string {
	l := strings.ToLower(service)
	if !dnsLabel.MatchString(l) {
		return ""
	}
	return l + "." + project.ServiceAliasDomain
}

// aliases gives the alias on every network the service is attached to
// (only those: naming another network in an override would attach the
// service to it). A service in another's network namespace, or the host's,
// has no network of its own to be named on.
func aliases(name, networkMode string, nets map[string]*types.ServiceNetworkConfig, svc *Service) (string, map[string]networkOut) {
	a := Alias(name)
	if a == "" {
		svc.Notes = append(svc.Notes, "its name is not a DNS label, so it gets no "+project.ServiceAliasDomain+" alias: other services cannot reach it over TLS by name")
		return "", nil
	}
	if networkMode != "" {
		svc.Notes = append(svc.Notes, "network_mode "+networkMode+": no network alias; other services reach it through that network's owner")
		return "", nil
	}
	keys := make([]string, 0, len(nets))
	for k := range nets {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		keys = []string{"default"}
	}
	sort.Strings(keys)
	out := map[string]networkOut{}
	for _, k := range keys {
		out[k] = networkOut{Aliases: []string{a}}
	}
	return a, out
}
