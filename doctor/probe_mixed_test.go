package doctor

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/internal/target"
	"github.com/rtdev/rtdev/proxy"
)

// An https:// page and a plain PeerJS server (peerjs-server's routes, here
// served by rtdev's compatible server over plain HTTP): doctor used to
// report all is well. It is the mixed-content / ERR_SSL_PROTOCOL_ERROR
// failure: an error naming the peerjs-server snippet and rtdev proxy, never
// "use http://". Applying the proxy fix (the real proxy, TLS with an rtdev
// certificate, in front of the same server) makes doctor content.
func TestProbeHTTPSPageOnPlainPeerJSServer(t *testing.T) {
	srv, err := devserver.New(devserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	plain := httptest.NewServer(srv)
	t.Cleanup(plain.Close)
	_, port, _ := net.SplitHostPort(plain.Listener.Addr().String())
	const origin = "https://localhost:9001"

	o := testProbeOptions()
	o.PeerJS, o.Origin = true, origin
	fs := Probe(t.Context(), "http://localhost:"+port, o)
	f := mustFind(t, fs, IDMixedContent)
	if f.Severity != SeverityError || f.Details["server"] != "peerjs-server" {
		t.Errorf("finding %+v", f)
	}
	printed := "rtdev proxy --to " + port
	if !strings.Contains(f.Fix, "rtdev snippet peerjs-server") || !strings.Contains(f.Fix, printed) || f.Details["proxy"] != printed {
		t.Errorf("fix %q, details %v", f.Fix, f.Details)
	}
	// The https:// URL on that port names the same fixes.
	pf := mustFind(t, Probe(t.Context(), "https://localhost:"+port, o), IDTLSPlainHTTP)
	if !strings.Contains(pf.Fix, "rtdev snippet peerjs-server") || !strings.Contains(pf.Fix, printed) || pf.Details["server"] != "peerjs-server" {
		t.Errorf("tls-plain-http %+v", pf)
	}
	fs = append(fs, pf)
	for _, g := range fs {
		if strings.Contains(g.Message, "use http://") || strings.Contains(g.Fix, "use http://") {
			t.Errorf("%s suggests http:// to an HTTPS page: %q / %q", g.ID, g.Message, g.Fix)
		}
	}

	// Apply the fix as printed: rtdev proxy --to PORT, TLS on another port.
	to, ok := strings.CutPrefix(f.Details["proxy"].(string), "rtdev proxy --to ")
	if !ok {
		t.Fatalf("proxy fix %q", f.Details["proxy"])
	}
	c := newRTDevCA(t)
	leaf := issue(t, c, "localhost", "127.0.0.1", "::1")
	addr := serveProxy(t, to, tlsCert(leaf.Key, leaf.Cert))
	_, proxyPort, _ := net.SplitHostPort(addr)
	o.RootCAs = pool(c.Cert)
	fs = Probe(t.Context(), "https://localhost:"+proxyPort, o)
	if got := problems(fs); len(got) != 0 {
		t.Fatalf("behind rtdev proxy: %v", describe(fs))
	}
	mustFind(t, fs, IDPeerJSOK)
	mustFind(t, fs, IDCORSOK)
}

// A plain server that is not peerjs-server gets the same error, with the
// snippet named by its port.
func TestProbeHTTPSPageOnPlainServer(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(plain.Close)
	o := testProbeOptions()
	o.Origin = "https://localhost:9001"
	f := mustFind(t, Probe(t.Context(), plain.URL, o), IDMixedContent)
	if f.Details["server"] != nil || strings.Contains(f.Fix, "peerjs-server") || !strings.Contains(f.Fix, "rtdev proxy --to") {
		t.Errorf("finding %+v", f)
	}
	// The https:// URL on that plain port is ERR_SSL_PROTOCOL_ERROR; for an
	// HTTPS page "use http://" is no way out.
	tlsURL := "https://" + plain.Listener.Addr().String()
	pf := mustFind(t, Probe(t.Context(), tlsURL, o), IDTLSPlainHTTP)
	if strings.Contains(pf.Message, "http://") {
		t.Errorf("message %q offers http:// to an HTTPS page", pf.Message)
	}
	o.Origin = ""
	if pf := mustFind(t, Probe(t.Context(), tlsURL, o), IDTLSPlainHTTP); !strings.Contains(pf.Message, "use http://") {
		t.Errorf("without a page, message %q should offer http://", pf.Message)
	}

	// An http:// page may use it.
	o.Origin = "http://localhost:9001"
	mustNotFind(t, Probe(t.Context(), plain.URL, o), IDMixedContent)
}

// serveProxy runs the real rtdev proxy for --to to on a loopback port with
// TLS, and returns its address.
func serveProxy(t *testing.T, to string, cert tls.Certificate) string {
	t.Helper()
	tg, err := target.Parse(to)
	if err != nil {
		t.Fatal(err)
	}
	px, err := proxy.New(proxy.Config{Routes: []proxy.Route{{Path: "/", Target: tg, From: "--to"}},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t, "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- px.Serve(ctx, []net.Listener{ln}, &tls.Config{Certificates: []tls.Certificate{cert}}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("proxy: %v", err)
		}
	})
	return ln.Addr().String()
}
