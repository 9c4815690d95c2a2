package cluster

import (
	"errors"
	"strings"
	"testing"
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
