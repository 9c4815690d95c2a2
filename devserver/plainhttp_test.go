package devserver

import (
	"crypto/x509"
	"io"
	"net/http"
	"strings"
	"testing"
)

// With PlainHTTP, plain HTTP on the TLS port serves exactly the listed paths
// to GET and HEAD; everything else is refused with links built from the
// configured hosts, never from the Host header.
func TestPlainHTTPSide(t *testing.T) {
	files := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "public file "+r.URL.Path)
	})
	ts := startServerWith(t, Config{PlainHTTP: &PlainHTTP{
		Paths:     []string{"/rtdev/phone", "/rtdev/ca.pem"},
		Handler:   files,
		Hosts:     []string{"192.0.2.7", "localhost"},
		SetupPath: "/rtdev/phone",
	}}, files)
	port := ts.port()
	client := &http.Client{Timeout: waitTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(method, path, accept, host string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, "http://127.0.0.1:"+port+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		if host != "" {
			req.Host = host
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}

	for _, m := range []string{"GET", "HEAD"} {
		resp, body := get(m, "/rtdev/ca.pem", "", "")
		if resp.StatusCode != 200 || (m == "GET" && body != "public file /rtdev/ca.pem") {
			t.Errorf("%s /rtdev/ca.pem: %d %q", m, resp.StatusCode, body)
		}
	}

	resp, body := get("GET", "/rtdev/health", "text/html,*/*", "evil.example:80")
	if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || resp.Header.Get("Location") != "" {
		t.Errorf("browser on another path: %d %q location %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Location"))
	}
	for _, want := range []string{`href="https://localhost:` + port + `/rtdev/health"`, `href="http://localhost:` + port + `/rtdev/phone"`} {
		if !strings.Contains(body, want) {
			t.Errorf("refusal page lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "evil.example") || strings.Contains(strings.ToLower(body), "http-equiv") {
		t.Errorf("refusal page uses the Host header or redirects:\n%s", body)
	}

	for _, c := range []struct{ method, path string }{{"POST", "/rtdev/phone"}, {"GET", "/rtdev/phone/"}, {"GET", "/"}, {"GET", "/peerjs/id"}} {
		resp, body := get(c.method, c.path, "", "")
		if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || !strings.Contains(body, "speaks TLS only") {
			t.Errorf("%s %s: %d %q %q", c.method, c.path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}

	// TLS still works beside it.
	if resp, _ := ts.do("GET", "/", nil); resp.StatusCode != 200 {
		t.Errorf("HTTPS after plain HTTP: %d", resp.StatusCode)
	}
	if got := ts.srv.Stats().PlaintextRequests; got != 5 {
		t.Errorf("Stats.PlaintextRequests = %d, want 5 (the refusals)", got)
	}
}

// The public paths answer only to a Host that names this server: a name or
// address in its certificate, or an address of this machine. A DNS-rebound
// name gets 421 without the page; other paths keep the "use https://"
// answer whatever the Host.
func TestPlainHTTPRefusesOtherHosts(t *testing.T) {
	pki := newTestPKI(t, "devserver.localhost", "*.app.localhost", "10.99.0.1")
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "phone page of dev@laptop")
	})
	paths := []string{"/rtdev/phone", "/rtdev/ca.pem", "/rtdev/rtdev-ca.crt", "/rtdev/rtdev-ca.mobileconfig"}
	ts := startServerTLS(t, Config{PlainHTTP: &PlainHTTP{
		Paths:       paths,
		Handler:     page,
		Hosts:       []string{"localhost"},
		SetupPath:   "/rtdev/phone",
		Certificate: func() *x509.Certificate { return pki.Cert.Leaf },
	}}, pki.serverConfig(), page)
	port := ts.port()
	get := func(path, host string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest("GET", "http://127.0.0.1:"+port+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := (&http.Client{Timeout: waitTimeout}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}

	for _, host := range []string{"rebind.evil.example", "rebind.evil.example:" + port, "app.localhost", "a.b.app.localhost", "192.0.2.1:" + port, "[2001:db8::1]:" + port, "devserver.localhost.evil.example"} {
		for _, path := range paths {
			resp, body := get(path, host)
			if resp.StatusCode != http.StatusMisdirectedRequest || strings.Contains(body, "dev@laptop") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
				t.Errorf("Host %s %s: %d %q", host, path, resp.StatusCode, body)
			}
		}
	}
	for _, host := range []string{"devserver.localhost:" + port, "DevServer.LOCALHOST", "devserver.localhost.", "x.app.localhost:" + port, "localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "10.99.0.1:" + port} {
		for _, path := range paths {
			if resp, body := get(path, host); resp.StatusCode != 200 || body != "phone page of dev@laptop" {
				t.Errorf("Host %s %s: %d %q", host, path, resp.StatusCode, body)
			}
		}
	}
	if resp, body := get("/rtdev/health", "rebind.evil.example"); resp.StatusCode != 400 || !strings.Contains(body, "speaks TLS only") {
		t.Errorf("another path under a rebound Host: %d %q", resp.StatusCode, body)
	}
	if logs := ts.logs.String(); !strings.Contains(logs, `host=rebind.evil.example`) {
		t.Errorf("the refused Host is not logged:\n%s", logs)
	}
}
