package doctor

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/rtdev/rtdev/devserver"
)

// peerServer runs rtdev serve's real server with cfg on a project leaf
// and returns its address and probe options trusting its CA.
func peerServer(t *testing.T, cfg devserver.Config) (string, ProbeOptions) {
	t.Helper()
	c := newRTDevCA(t)
	leaf := issue(t, c, "localhost", "127.0.0.1")
	o := testProbeOptions(c.Cert)
	o.RTDevCA = c.Cert
	return servePeerJS(t, cfg, leaf), o
}

func TestProbeWebSocket(t *testing.T) {
	addr, o := peerServer(t, devserver.Config{Path: "/app"})

	t.Run("right path", func(t *testing.T) {
		fs := Probe(t.Context(), "wss://"+addr+"/app/peerjs", o)
		mustFind(t, fs, IDWSOK)
		if p := problems(fs); len(p) != 0 {
			t.Errorf("problems %v", describe(fs))
		}
	})
	t.Run("wrong path", func(t *testing.T) {
		fs := Probe(t.Context(), "wss://"+addr+"/socket", o)
		f := mustFind(t, fs, IDWSUpgradeRejected)
		status, _ := f.Details["status"].(int)
		if status != http.StatusBadRequest && status != http.StatusNotFound {
			t.Errorf("status = %v, want 400 or 404", f.Details["status"])
		}
		if !strings.Contains(f.Message, "/socket") {
			t.Errorf("message %q does not name the path", f.Message)
		}
		mustNotFind(t, fs, IDWSOK)
		// The certificate was fine; only the path is wrong.
		mustFind(t, fs, IDCertOK)
	})
}

func TestProbeWebSocketOrigin(t *testing.T) {
	// A plain ws server whose origin check allows one page, as gorilla's
	// default CheckOrigin (same host) does.
	up := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "http://app.localhost:5173" }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := up.Upgrade(w, r, nil); err == nil {
			c.Close()
		}
	}))
	t.Cleanup(srv.Close)
	url := "ws://" + srv.Listener.Addr().String() + "/ws"

	o := testProbeOptions()
	o.Origin = "http://app.localhost:5173/"
	mustFind(t, Probe(t.Context(), url, o), IDWSOK)
	o.Origin = "http://evil.localhost:5173"
	fs := Probe(t.Context(), url, o)
	f := mustFind(t, fs, IDWSOriginRejected)
	if f.Details["status"] != http.StatusForbidden {
		t.Errorf("details %v", f.Details)
	}
	// CORS is not checked for a WebSocket: browsers apply none to it.
	mustNotFind(t, fs, IDCORSBlocked)
}

func TestProbePeerJS(t *testing.T) {
	addr, o := peerServer(t, devserver.Config{Path: "/app", Key: "secret", CORSOrigins: []string{"https://localhost:5173"}})
	o.PeerJS = true
	o.PeerKey = "secret"

	t.Run("ok", func(t *testing.T) {
		for _, url := range []string{"https://" + addr + "/app", "wss://" + addr + "/app/"} {
			fs := Probe(t.Context(), url, o)
			f := mustFind(t, fs, IDPeerJSOK)
			if id, _ := f.Details["id"].(string); len(id) != 36 {
				t.Errorf("%s: id %q is not a UUID", url, id)
			}
			if p := problems(fs); len(p) != 0 {
				t.Errorf("%s: problems %v", url, describe(fs))
			}
		}
	})
	t.Run("wrong path", func(t *testing.T) {
		fs := Probe(t.Context(), "https://"+addr+"/", o)
		f := mustFind(t, fs, IDPeerJSIDFailed)
		if f.Details["status"] != http.StatusNotFound {
			t.Errorf("details %v", f.Details)
		}
		mustNotFind(t, fs, IDPeerJSOK)
	})
	t.Run("wrong key", func(t *testing.T) {
		wrong := o
		wrong.PeerKey = "peerjs"
		f := mustFind(t, Probe(t.Context(), "https://"+addr+"/app/", wrong), IDPeerJSError)
		if f.Details["message"] != "Invalid key provided" || f.Fix == "" {
			t.Errorf("details %v, fix %q", f.Details, f.Fix)
		}
	})
	t.Run("cors", func(t *testing.T) {
		allowed := o
		allowed.Origin = "https://localhost:5173"
		mustFind(t, Probe(t.Context(), "https://"+addr+"/app/", allowed), IDCORSOK)

		blocked := o
		blocked.Origin = "https://localhost:3000"
		f := mustFind(t, Probe(t.Context(), "https://"+addr+"/app/", blocked), IDCORSBlocked)
		if f.Fix != "rtdev serve --cors https://localhost:3000" {
			t.Errorf("fix %q", f.Fix)
		}
	})
}

func TestProbeCORSPlainServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == "http://localhost:5173" {
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
	}))
	t.Cleanup(srv.Close)
	o := testProbeOptions()
	o.Origin = "http://localhost:5173"
	mustFind(t, Probe(t.Context(), srv.URL+"/api", o), IDCORSOK)
	o.Origin = "http://localhost:4200"
	f := mustFind(t, Probe(t.Context(), srv.URL+"/api", o), IDCORSBlocked)
	if !strings.Contains(f.Message, "no Access-Control-Allow-Origin") {
		t.Errorf("message %q", f.Message)
	}
}
