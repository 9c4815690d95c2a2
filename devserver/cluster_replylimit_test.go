package devserver

import (
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"
)

// TestClusterRefusesAnOversizedReply: a reply announcing a terabyte, or an
// array of two billion elements, would make go-redis allocate it and the
// runtime end the process out of memory. The bound ends that connection
// instead: the request it served gets its answer as with Redis away, one
// loss line names why, and the broker is back and relays again.
func TestClusterRefusesAnOversizedReply(t *testing.T) {
	for _, tc := range []struct {
		name, reply string
		match       func([]string) bool
		path        string
	}{
		{"a terabyte for /id", "$1099511627776\r\n", command("exists"), "/peerjs/id"},
		{"two billion elements for /peers", "*2147483647\r\n", command("scan"), "/peerjs/peers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rp := testtool.Redis(t)
			px := newCrashProxy(t, rp.Addr())
			s := startInstances(t, Config{AllowDiscovery: true, ExpireTimeout: 300 * time.Millisecond, ClusterClaimTTL: 900 * time.Millisecond},
				px.url(), rp.URL())
			fired := px.arm(tc.match, tc.reply)
			if resp, _ := s[0].do("GET", tc.path, nil); resp.StatusCode != 200 {
				t.Errorf("%s: %d, want the answer without Redis", tc.path, resp.StatusCode)
			}
			<-fired
			eventuallyTrue(t, "the loss logged", func() bool {
				return strings.Contains(s[0].logs.String(), "larger than rtdev accepts")
			})
			eventuallyTrue(t, "the broker back", func() bool { return s[0].cluster().Reachable })
			if logs := s[0].logs.String(); strings.Contains(logs, "crashed its client") {
				t.Errorf("the reply reached go-redis:\n%s", logs)
			}
			p := s[0].join("after-p", "tp")
			q := s[1].join("after-q", "tq")
			relayEventually(t, "relay from the refusing instance", p, q,
				`{"type":"OFFER","dst":"after-q","payload":1}`, `{"type":"OFFER","src":"after-p","dst":"after-q","payload":1}`)
		})
	}
}
