package ca

import (
	"strings"
	"testing"
	"time"
)

func TestRenewalReason(t *testing.T) {
	c := newCA(t, CreateOptions{Now: testNow})
	other := newCA(t, CreateOptions{Now: testNow})
	names := mustNames(t, "localhost", "127.0.0.1", "192.168.1.20")
	leaf, err := c.Issue(LeafOptions{Names: names, Now: testNow, Validity: 90 * day})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := other.Issue(LeafOptions{Names: names, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	start := leaf.Cert.NotBefore
	tests := []struct {
		name   string
		leaf   *Leaf
		want   []Name
		now    time.Time
		due    bool
		reason string
	}{
		{"fresh", leaf, names, testNow, false, ""},
		{"same names in another order", leaf, mustNames(t, "192.168.1.20", "localhost", "127.0.0.1"), testNow, false, ""},
		{"half its life", leaf, names, start.Add(45 * day), false, ""},
		{"LAN address changed", leaf, mustNames(t, "localhost", "127.0.0.1", "10.0.0.7"), testNow, true, "add 10.0.0.7; remove 192.168.1.20"},
		{"name added", leaf, mustNames(t, "localhost", "127.0.0.1", "192.168.1.20", "::1"), testNow, true, "add ::1"},
		{"another CA", foreign, names, testNow, true, "not signed by the current CA"},
		{"last third", leaf, names, start.Add(61 * day), true, "less than a third"},
		{"expired", leaf, names, start.Add(91 * day), true, "expired"},
		{"not yet valid", leaf, names, start.Add(-time.Minute), true, "not valid until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, due := c.RenewalReason(tt.leaf.Cert, tt.want, tt.now)
			if due != tt.due || !strings.Contains(reason, tt.reason) || (!due && reason != "") {
				t.Fatalf("RenewalReason = %q, %v; want due=%v with %q", reason, due, tt.due, tt.reason)
			}
		})
	}
}
