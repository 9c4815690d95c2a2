//go:build !linux

package project

import "testing"

// TestClassifyByName: without sysfs, container, VM and VPN interfaces are
// told by name, and anything else stays a LAN candidate.
func TestClassifyByName(t *testing.T) {
	for name, want := range map[string]InterfaceKind{
		"en0": KindUnknown, "Wi-Fi": KindUnknown, "utun3": KindVirtual, "bridge100": KindVirtual,
		"vboxnet0": KindVirtual, "vmnet8": KindVirtual, "docker0": KindVirtual, "wg0": KindVirtual,
	} {
		if got, hw := classify("", name, 0); got != want || hw {
			t.Errorf("classify(%q) = %q, %v; want %q, false", name, got, hw, want)
		}
	}
}
