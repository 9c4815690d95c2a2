package devserver

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// appPage stands for the --static handler.
var appPage = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte("<h1>app</h1>"))
})

// TestAppAtRoot: with --static and the default path /, a browser opening
// / gets the app's page, while the peerjs client's requests and other
// clients keep the PeerJS info JSON.
func TestAppAtRoot(t *testing.T) {
	browser := http.Header{"Accept": {"text/html,application/xhtml+xml,*/*;q=0.8"}}
	ts := startServerWith(t, Config{AppAtRoot: true}, appPage)
	if _, body := ts.do(http.MethodGet, "/", browser); body != "<h1>app</h1>" {
		t.Errorf("browser GET / = %q, want the app page", body)
	}
	if _, body := ts.do(http.MethodGet, "/", http.Header{"Accept": {"*/*"}}); !strings.Contains(body, "PeerJS Server") {
		t.Errorf("fetch GET / = %q, want the info JSON", body)
	}
	if resp, body := ts.do(http.MethodGet, "/peerjs/id", browser); resp.StatusCode != 200 || body == "" {
		t.Errorf("GET /peerjs/id = %d %q", resp.StatusCode, body)
	}
	off := startServerWith(t, Config{}, appPage)
	if _, body := off.do(http.MethodGet, "/", browser); !strings.Contains(body, "PeerJS Server") {
		t.Errorf("without AppAtRoot, browser GET / = %q, want the info JSON", body)
	}
}

// TestUpgradeElsewhereIs400: a WebSocket upgrade on a path nothing
// serves gets 400, as peerjs-server's ws answers it, also when an extra
// handler (the check page, static files) is mounted through NoUpgrade.
func TestUpgradeElsewhereIs400(t *testing.T) {
	for name, extra := range map[string]http.Handler{
		"no extra":             nil,
		"static via NoUpgrade": NoUpgrade(appPage),
	} {
		t.Run(name, func(t *testing.T) {
			ts := startServerWith(t, Config{}, extra)
			d := websocket.Dialer{TLSClientConfig: ts.pki.clientConfig(), HandshakeTimeout: waitTimeout}
			for _, path := range []string{"/", "/ws", "/peerjs/x", "/rtdev/"} {
				c, resp, err := d.Dial("wss://"+ts.addr+path, nil)
				if err == nil {
					c.Close()
					t.Fatalf("upgrade on %s succeeded", path)
				}
				if resp == nil || resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("upgrade on %s: %v %v, want 400", path, resp, err)
				}
			}
		})
	}
}
