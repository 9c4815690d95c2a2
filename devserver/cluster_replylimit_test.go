package devserver

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"
)

// TestReplyScanner: real reply shapes pass however the bytes are split,
// payload bytes that look like headers are skipped, and each length past
// the bounds is refused.
func TestReplyScanner(t *testing.T) {
	big := strings.Repeat("x", 70000)
	for _, tc := range []struct {
		name, stream string
		refuse       string // "" to pass
	}{
		{"simple types", "+OK\r\n-ERR no\r\n:42\r\n,1.5\r\n#t\r\n_\r\n(123\r\n", ""},
		{"bulk, null and empty", "$5\r\nhello\r\n$-1\r\n$0\r\n\r\n", ""},
		{"a header inside a payload", "$22\r\n$9223372036854775807\r\n*1\r\n:1\r\n", ""},
		{"nested aggregates", "*2\r\n%1\r\n+k\r\n~2\r\n$1\r\na\r\n=7\r\ntxt:abc\r\n>3\r\n+message\r\n+ch\r\n$3\r\nmsg\r\n", ""},
		{"a long payload", "$70000\r\n" + big + "\r\n", ""},
		{"the crash length", "$9223372036854775807\r\n", "a string of 9223372036854775807 bytes"},
		{"a terabyte", "$1099511627776\r\n", "a string of 1099511627776 bytes"},
		{"a huge blob error", "!100000000\r\n", "a string of"},
		{"a huge array", "*2147483647\r\n", "2147483647 elements"},
		{"a huge map inside an array", "*1\r\n%4000000\r\n", "4000000 elements"},
		{"a huge push", ">2000000\r\n", "2000000 elements"},
		{"a streamed string", "$?\r\n;4\r\nabcd\r\n;0\r\n", "streamed"},
		{"a line without end", "+" + big, "a line longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunk := range []int{1, 3, len(tc.stream)} {
				var s replyScanner
				var err error
				for b := []byte(tc.stream); len(b) > 0 && err == nil; {
					n := min(chunk, len(b))
					err = s.feed(b[:n])
					b = b[n:]
				}
				switch {
				case tc.refuse == "" && err != nil:
					t.Errorf("chunks of %d: %v", chunk, err)
				case tc.refuse != "" && (!errors.Is(err, errReplyTooLarge) || !strings.Contains(err.Error(), tc.refuse)):
					t.Errorf("chunks of %d: %v, want a refusal naming %q", chunk, err, tc.refuse)
				}
			}
		})
	}
}

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
