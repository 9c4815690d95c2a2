package trust

import (
	"slices"
	"testing"
)

// TestRegistry: the stores are listed in the order they run, each with its
// help line and its effect, and this environment (Linux, not WSL) has all.
func TestRegistry(t *testing.T) {
	want := []string{StoreSystem, StoreNSS, StoreJava}
	if got := Registered(); !slices.Equal(got, append(want, StoreWindows)) {
		t.Errorf("Registered() = %v, want %v and windows", got, want)
	}
	if got := Names(Env{}); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, a := range About() {
		if a[1] == "" || Effect(a[0]) == Effect("no-such-store") {
			t.Errorf("store %s lacks its help line or its effect", a[0])
		}
	}
}
