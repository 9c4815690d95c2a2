package doctor

import (
	"bufio"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/devserver"
)

func TestProbePlainHTTPOnTLSURL(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("hello")) }))
	t.Cleanup(plain.Close)
	addr := plain.Listener.Addr().String()
	for _, scheme := range []string{"https", "wss"} {
		t.Run(scheme, func(t *testing.T) {
			fs := Probe(t.Context(), scheme+"://"+addr+"/", testProbeOptions())
			f := mustFind(t, fs, IDTLSPlainHTTP)
			if f.Severity != SeverityError || len(fs) != 1 {
				t.Errorf("want one tls-plain-http error, got %v", describe(fs))
			}
			if !strings.Contains(f.Message, "plain HTTP") || f.Fix == "" {
				t.Errorf("message %q, fix %q", f.Message, f.Fix)
			}
			// Beside the server's own TLS snippet: the proxy, which needs no
			// change to the server, with the port as the user types it.
			_, port, _ := net.SplitHostPort(addr)
			want := "rtdev proxy --to " + port
			if f.Details["proxy"] != want || !strings.Contains(f.Fix, "rtdev snippet") || !strings.Contains(f.Fix, want) {
				t.Errorf("fix %q, details %v: want the snippet and %q", f.Fix, f.Details, want)
			}
		})
	}
}

// A plain server that waits for a request line (as Python's http.server
// does) never answers the ClientHello; the probe must still name it.
func TestProbePlainHTTPSilentOnClientHello(t *testing.T) {
	addr := serveRaw(t, func(c net.Conn) {
		line, err := bufio.NewReader(c).ReadString('\n')
		if err == nil && strings.HasPrefix(line, "GET ") {
			_, _ = c.Write([]byte("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"))
		}
	})
	o := testProbeOptions()
	o.Timeout = testTimeout / 10 // the handshake waits for this, by design
	fs := Probe(t.Context(), "https://"+addr+"/", o)
	f := mustFind(t, fs, IDTLSPlainHTTP)
	if f.Details["answer"] != "HTTP/1.0 200 OK" {
		t.Errorf("answer = %v", f.Details["answer"])
	}
}

func TestProbeTLSOnPlainURL(t *testing.T) {
	c := newRTDevCA(t)
	leaf := issue(t, c, "localhost", "127.0.0.1")
	goTLS := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.Key, leaf.Cert))
	// rtdev serve answers plain HTTP on its TLS port with a 400 naming the
	// https:// URL; a ws:// client there is the classic case.
	peer := servePeerJS(t, devserver.Config{}, leaf)
	for name, url := range map[string]string{
		"go http":     "http://" + goTLS + "/",
		"rtdev serve": "ws://" + peer + "/peerjs",
	} {
		t.Run(name, func(t *testing.T) {
			fs := Probe(t.Context(), url, testProbeOptions(c.Cert))
			f := mustFind(t, fs, IDPlainTLSPort)
			if len(fs) != 1 {
				t.Errorf("want only plain-tls-port, got %v", describe(fs))
			}
			wantFix := strings.Replace(strings.Replace(url, "http://", "https://", 1), "ws://", "wss://", 1)
			if f.Fix != wantFix {
				t.Errorf("fix = %q, want %q", f.Fix, wantFix)
			}
		})
	}
}

func TestProbePlainHTTPTarget(t *testing.T) {
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	fs := Probe(t.Context(), "http://"+plain.Listener.Addr().String()+"/", testProbeOptions())
	f := mustFind(t, fs, IDPlainHTTPOK)
	if f.Details["status"] != http.StatusNotFound {
		t.Errorf("status = %v", f.Details["status"])
	}
	if p := problems(fs); len(p) != 0 {
		t.Errorf("problems %v", p)
	}
}

func TestProbeNotHTTPNotTLS(t *testing.T) {
	// An SSH-like server: it talks first and speaks neither protocol.
	addr := serveRaw(t, func(c net.Conn) { _, _ = c.Write([]byte("SSH-2.0-OpenSSH_9.2\r\n")) })
	fs := Probe(t.Context(), "http://"+addr+"/", testProbeOptions())
	mustFind(t, fs, IDPlainNotHTTP)
	fs = Probe(t.Context(), "https://"+addr+"/", testProbeOptions())
	mustFind(t, fs, IDTLSHandshakeFailed)
}

func TestProbeTLSParameters(t *testing.T) {
	c := newRTDevCA(t)
	leaf := issue(t, c, "localhost", "127.0.0.1")
	addr := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.Key, leaf.Cert))
	o := testProbeOptions(c.Cert)
	o.RTDevCA = c.Cert
	fs := Probe(t.Context(), "https://"+addr+"/", o)
	if p := problems(fs); len(p) != 0 {
		t.Fatalf("problems %v", describe(fs))
	}
	f := mustFind(t, fs, IDTLSOK)
	if f.Details["version"] != "TLS 1.3" {
		t.Errorf("version = %v", f.Details["version"])
	}
	// httptest's TLS server offers only http/1.1 unless EnableHTTP2.
	if f.Details["alpn"] != "http/1.1" {
		t.Errorf("alpn = %v, want http/1.1", f.Details["alpn"])
	}
	mustFind(t, fs, IDCertOK)
}

func TestProbeTLSServerSettings(t *testing.T) {
	root := newRoot(t, "Test Root")
	leaf := localhostLeaf(t, root)
	for _, tc := range []struct {
		name   string
		conf   *tls.Config
		target string
		want   string
	}{
		// Browsers removed TLS 1.0 and 1.1; a server capped below 1.2 is
		// what old OpenSSL builds and misconfigured proxies present.
		{"tls 1.1 only", &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, "https", IDTLSOldVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf := tc.conf
			conf.Certificates = []tls.Certificate{tlsCert(leaf.key, leaf.cert)}
			addr := serveRaw(t, func(c net.Conn) { _ = tls.Server(c, conf).Handshake() })
			fs := Probe(t.Context(), tc.target+"://"+addr+"/", testProbeOptions(root.cert))
			f := mustFind(t, fs, tc.want)
			if f.Severity != SeverityError {
				t.Errorf("%+v", f)
			}
		})
	}
}

func TestProxyFixNamesHostOnlyWhenRemote(t *testing.T) {
	for url, want := range map[string]string{
		"https://localhost:8000/":    "rtdev proxy --to 8000",
		"wss://127.0.0.1:8765/":      "rtdev proxy --to 8765",
		"https://[::1]:8080/":        "rtdev proxy --to 8080",
		"https://192.168.1.20:8000/": "rtdev proxy --to 192.168.1.20:8000",
	} {
		tg, err := ParseTarget(url)
		if err != nil {
			t.Fatal(err)
		}
		if got := proxyFix(tg); got != want {
			t.Errorf("proxyFix(%s) = %q, want %q", url, got, want)
		}
	}
}
