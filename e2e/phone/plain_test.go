//go:build linux

package phone

import (
	"bufio"
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// rawRequest sends one request exactly as written (no client cleans the
// path) and returns the response and its body.
func rawRequest(t *testing.T, conn net.Conn, method, target, accept string) (*http.Response, string) {
	t.Helper()
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(step))
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", method, target, accept)
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// keyLines are the base64 lines of every private key the sandbox holds; no
// response may contain one.
func keyLines(t *testing.T, sb *harness.Sandbox) []string {
	t.Helper()
	var lines []string
	for _, path := range []string{filepath.Join(sb.Project, ".rtdev", "key.pem"), filepath.Join(sb.CARoot, "ca-key.pem")} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			if len(l) > 20 && !strings.HasPrefix(l, "-----") {
				lines = append(lines, l)
			}
		}
	}
	if len(lines) == 0 {
		t.Fatal("no key lines found")
	}
	return lines
}

// Over plain HTTP only the four public paths, GET and HEAD, are served;
// every other path and method gets the refusal page or the text answer.
// No response, plain or HTTPS, ever holds a key.
func TestPlainHTTPServesOnlyThePublicFiles(t *testing.T) {
	sb := harness.NewSandbox(t)
	sb.Init()
	port := harness.FreePort(t)
	sb.Serve(port)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	keys := keyLines(t, sb)
	caPEM, err := os.ReadFile(filepath.Join(sb.Project, ".rtdev", "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(caPEM)
	noKey := func(what, body string) {
		t.Helper()
		if strings.Contains(body, "PRIVATE KEY") {
			t.Errorf("%s holds a PRIVATE KEY block", what)
		}
		for _, l := range keys {
			if strings.Contains(body, l) {
				t.Errorf("%s holds a line of a private key", what)
			}
		}
	}
	plain := func(method, target, accept string) (*http.Response, string) {
		t.Helper()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		return rawRequest(t, conn, method, target, accept)
	}
	secure := func(method, target string) (*http.Response, string) {
		t.Helper()
		conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: sb.CAPool(), ServerName: "localhost"})
		if err != nil {
			t.Fatal(err)
		}
		return rawRequest(t, conn, method, target, "*/*")
	}

	want := map[string]struct{ ctype, body string }{
		"/rtdev/phone":                 {"text/html; charset=utf-8", ""},
		"/rtdev/rtdev-ca.mobileconfig": {"application/x-apple-aspen-config", ""},
		"/rtdev/rtdev-ca.crt":          {"application/x-x509-ca-cert", string(block.Bytes)},
		"/rtdev/ca.pem":                {"application/x-x509-ca-cert", string(caPEM)},
	}
	for path, w := range want {
		for _, m := range []string{"GET", "HEAD"} {
			resp, body := plain(m, path, "*/*")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != w.ctype || (m == "GET" && w.body != "" && body != w.body) {
				t.Errorf("plain %s %s: %d %q", m, path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			noKey("plain "+m+" "+path, body)
			// The same paths over HTTPS.
			resp, body = secure(m, path)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != w.ctype {
				t.Errorf("https %s %s: %d %q", m, path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			noKey("https "+m+" "+path, body)
		}
		for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
			if resp, body := plain(m, path, "*/*"); resp.StatusCode != 400 || !strings.Contains(body, "speaks TLS only") {
				t.Errorf("plain %s %s: %d %q", m, path, resp.StatusCode, body)
			}
		}
	}

	others := []string{"/", "/rtdev/", "/rtdev/health", "/rtdev/check.js", "/rtdev/check.css", "/rtdev/pair/new",
		"/rtdev/pair/qr.svg?code=ABCDEF", "/peerjs/id", "/peerjs/peerjs/id", "/peerjs?key=peerjs&id=a&token=b",
		"/rtdev/phone/", "/rtdev//phone", "/rtdev/PHONE", "/rtdev/./phone", "/rtdev/x/../phone", "/rtdev/ca.pem%00",
		"/.rtdev/key.pem", "/rtdev/../.rtdev/key.pem", "/%2e%2e/.rtdev/key.pem",
		"*", "http://127.0.0.1/rtdev/health"}
	for _, target := range others {
		for _, m := range []string{"GET", "HEAD", "POST", "OPTIONS"} {
			resp, body := plain(m, target, "text/html,*/*")
			isPage := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && (m == "HEAD" || strings.Contains(body, "This port speaks HTTPS"))
			isText := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") && (m == "HEAD" || strings.Contains(body, "speaks TLS only"))
			if resp.StatusCode != 400 || !(isPage || isText) || resp.Header.Get("Location") != "" {
				t.Errorf("plain %s %s: %d %q %q", m, target, resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			noKey("plain "+m+" "+target, body)
		}
	}
	for _, target := range []string{"/rtdev/", "/rtdev/health", "/rtdev/check.js", "/rtdev/pair/qr.svg?code=ABCDEF", "/.rtdev/key.pem", "/rtdev/../.rtdev/key.pem"} {
		_, body := secure("GET", target)
		noKey("https GET "+target, body)
	}
}
