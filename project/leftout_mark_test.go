package project

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLeftOutSaidOncePerCA: a machine on a public network (a CI runner's
// 192.0.2.2) whose CA cannot cover that address. The first run says it is
// left out, the next runs do not; a different set is said again, a run
// with nothing left out changes nothing, and a new CA says it all again.
func TestLeftOutSaidOncePerCA(t *testing.T) {
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	ensure := func(addrs ...string) *EnsureResult {
		t.Helper()
		i := Interface{Name: "eth0", Up: true}
		for _, a := range addrs {
			i.Addrs = append(i.Addrs, cidr(t, a))
		}
		res, err := Ensure(EnsureOptions{Layout: NewLayout(dir), Config: Defaults(), CADir: caDir, System: fakeSystem{host: "runner", ifs: []Interface{i}}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	say := func(res *EnsureResult) int {
		t.Helper()
		got, err := LeftOutToSay(res.CA, res.LeftOut)
		if err != nil {
			t.Fatal(err)
		}
		return len(got)
	}
	steps := []struct {
		what  string
		addrs []string
		said  int
	}{
		{"first run", []string{"192.0.2.2/24"}, 1},
		{"second run", []string{"192.0.2.2/24"}, 0},
		{"third run", []string{"192.0.2.2/24"}, 0},
		{"another address joins", []string{"192.0.2.2/24", "198.51.100.7/24"}, 2},
		{"same two again", []string{"198.51.100.7/24", "192.0.2.2/24"}, 0},
		{"nothing left out", []string{"192.168.1.20/24"}, 0},
		{"the same two after that", []string{"192.0.2.2/24", "198.51.100.7/24"}, 0},
		{"one of them goes", []string{"192.0.2.2/24"}, 1},
	}
	for _, s := range steps {
		if got := say(ensure(s.addrs...)); got != s.said {
			t.Fatalf("%s: said %d hosts, want %d", s.what, got, s.said)
		}
	}
	mark := filepath.Join(caDir, LeftOutMarkFileName)
	fi, err := os.Stat(mark)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("mark %s: %v %v", mark, fi, err)
	}
	ents, _ := os.ReadDir(caDir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "."+LeftOutMarkFileName) {
			t.Errorf("left a temporary file in the CA folder: %s", e.Name())
		}
	}

	// A new CA in the same folder says it all again.
	for _, f := range []string{"ca.pem", "ca-key.pem"} {
		if err := os.Remove(filepath.Join(caDir, f)); err != nil {
			t.Fatal(err)
		}
	}
	if got := say(ensure("192.0.2.2/24")); got != 1 {
		t.Fatalf("a new CA said %d hosts, want 1", got)
	}
}

// TestLeftOutToSayUnwritableMark: a mark rtdev cannot write (here a
// folder in its place) still lets the warning through, with the error.
func TestLeftOutToSayUnwritableMark(t *testing.T) {
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	sys := fakeSystem{host: "runner", ifs: []Interface{{Name: "eth0", Up: true, Addrs: []*net.IPNet{cidr(t, "192.0.2.2/24")}}}}
	res, err := Ensure(EnsureOptions{Layout: NewLayout(dir), Config: Defaults(), CADir: caDir, System: sys})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(caDir, LeftOutMarkFileName), 0o700); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got, err := LeftOutToSay(res.CA, res.LeftOut); len(got) != 1 || err == nil {
			t.Fatalf("LeftOutToSay = %v, %v; want the host and the error", got, err)
		}
	}
}
