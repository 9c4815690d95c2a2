package doctor

import (
	"strings"
	"testing"

	"github.com/rtdev/rtdev/devserver"
)

func TestLocalNetworkAccess(t *testing.T) {
	cases := []struct {
		url, origin string
		want        bool
	}{
		// The laptop opens the app by the LAN URL the phone uses, and the
		// app's socket still names localhost.
		{"wss://localhost:9000/peerjs", "https://192.168.1.5:5173", true},
		{"https://127.0.0.1:9000/", "https://10.0.0.7:5173", true},
		{"wss://[::1]:9000/", "https://[fd00::5]:5173", true},
		{"wss://app.localhost:9000/", "https://100.64.3.4:5173", true},
		// A public page reaching the LAN, or loopback.
		{"wss://192.168.1.5:9000/", "https://203.0.113.9", true},
		{"wss://localhost:9000/", "https://198.18.0.2:5173", true},
		// Same space, or towards a less private one: no prompt.
		{"wss://localhost:9000/", "https://localhost:5173", false},
		{"wss://localhost:9000/", "https://127.0.0.1:5173", false},
		{"wss://192.168.1.5:9000/", "https://192.168.1.5:5173", false},
		{"wss://192.168.1.5:9000/", "https://localhost:5173", false},
		// A name says nothing of its address without resolving it.
		{"wss://localhost:9000/", "https://myapp.test:5173", false},
		{"wss://devbox.local:9000/", "https://203.0.113.9", false},
		{"wss://localhost:9000/", "", false},
	}
	for _, c := range cases {
		tg, err := ParseTarget(c.url)
		if err != nil {
			t.Fatal(err)
		}
		fs := checkLNA(tg, c.origin)
		if got := len(fs) == 1; got != c.want {
			t.Errorf("%s from %q: finding %v, want %v (%v)", c.url, c.origin, got, c.want, describe(fs))
		}
	}
}

// The finding comes out of Probe for --origin, before the connection, and
// says which host to use instead.
func TestProbeNamesLocalNetworkAccess(t *testing.T) {
	addr, o := peerServer(t, devserver.Config{})
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	o.PeerJS = true
	o.Origin = "https://192.168.1.5:5173"
	fs := Probe(t.Context(), "wss://localhost:"+port+"/", o)
	f := mustFind(t, fs, IDLocalNetworkAccess)
	if fs[0].ID != IDLocalNetworkAccess || f.Severity != SeverityWarn {
		t.Errorf("want the LNA warning first: %v", describe(fs))
	}
	for _, want := range []string{"Local Network Access", "https://192.168.1.5:5173", "localhost:" + port} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message lacks %q: %s", want, f.Message)
		}
	}
	use := "wss://192.168.1.5:" + port + "/"
	if !strings.Contains(f.Fix, use) || !strings.Contains(f.Fix, "location.hostname") || f.Details["use"] != use {
		t.Errorf("fix %q, details %v: want %s from location.hostname", f.Fix, f.Details, use)
	}
	// The rest of the probe still runs and passes.
	mustFind(t, fs, IDPeerJSOK)

	o.Origin = "https://localhost:5173"
	mustNotFind(t, Probe(t.Context(), "wss://localhost:"+port+"/", o), IDLocalNetworkAccess)
}
