package proxy

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// headerEcho answers with the request's Host, path and headers as JSON.
func headerEcho(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"host": r.Host, "path": r.URL.RequestURI(), "header": r.Header})
}

func getJSON(t *testing.T, req *http.Request) map[string]any {
	t.Helper()
	res, err := httpsClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestHTTPForwardedHeaders(t *testing.T) {
	be := backend(t, http.HandlerFunc(headerEcho))
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprint("keep-host=", keep), func(t *testing.T) {
			p := startProxy(t, Config{KeepHost: keep}, be)
			req, _ := http.NewRequest("GET", "https://localhost:"+port(p.addr)+"/a/b?c=d", nil)
			req.Header.Set("Origin", "https://localhost:5173")
			req.Header.Set("X-Forwarded-For", "6.6.6.6") // forged: must not reach the backend
			req.Header.Set("X-Real-IP", "6.6.6.6")       // forged too
			req.Header.Set("Connection", "X-Secret")     // X-Secret is for this hop only
			req.Header.Set("X-Secret", "1")
			v := getJSON(t, req)
			h := v["header"].(map[string]any)
			first := func(k string) string { return h[k].([]any)[0].(string) }
			wantHost := be
			if keep {
				wantHost = "localhost:" + port(p.addr)
			}
			if v["host"] != wantHost || v["path"] != "/a/b?c=d" {
				t.Errorf("backend saw host %v path %v, want %s /a/b?c=d", v["host"], v["path"], wantHost)
			}
			if first("X-Forwarded-For") != "127.0.0.1" || first("X-Forwarded-Proto") != "https" || first("X-Forwarded-Host") != "localhost:"+port(p.addr) {
				t.Errorf("forwarded headers: %v", h)
			}
			if v, _ := h["X-Real-Ip"].([]any); len(v) != 1 || v[0] != "127.0.0.1" {
				t.Errorf("backend saw X-Real-IP %v, want only 127.0.0.1", v)
			}
			if v, ok := h["X-Secret"]; ok {
				t.Errorf("X-Secret, named in Connection, reached the backend: %v", v)
			}
			if first("Origin") != "https://localhost:5173" {
				t.Errorf("Origin changed to %v", h["Origin"])
			}
			if lines := p.logs.waitLines(1, `"msg":"http"`, `"status":200`, `"path":"/a/b"`); len(lines) != 1 {
				t.Errorf("want one access line, got:\n%s", p.logs)
			} else if strings.Contains(lines[0], "c=d") {
				t.Errorf("the query reached the log: %s", lines[0])
			}
		})
	}
}

// openStream GETs path through the proxy and returns the body as it comes.
func openStream(t *testing.T, p *proxyFixture, path string) *bufio.Reader {
	t.Helper()
	res, err := httpsClient().Get("https://localhost:" + port(p.addr) + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return bufio.NewReader(res.Body)
}

// The first event must reach the client while the backend still holds the
// second: the test releases it only after reading the first.
func TestSSEArrivesEventByEvent(t *testing.T) {
	release := make(chan struct{})
	be := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: one\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-time.After(testTimeout):
			return
		}
		fmt.Fprint(w, "data: two\n\n")
	}))
	br := openStream(t, startProxy(t, Config{}, be), "/events")
	if line, err := br.ReadString('\n'); err != nil || line != "data: one\n" {
		t.Fatalf("first event: %q, %v", line, err)
	}
	close(release)
	_, _ = br.ReadString('\n')
	if line, err := br.ReadString('\n'); err != nil || line != "data: two\n" {
		t.Fatalf("second event: %q, %v", line, err)
	}
}

// A chunked body of unknown length streams too, chunk by chunk.
func TestChunkedStreams(t *testing.T) {
	release := make(chan struct{})
	be := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "first\n")
		w.(http.Flusher).Flush()
		<-release
		fmt.Fprint(w, "second\n")
	}))
	br := openStream(t, startProxy(t, Config{}, be), "/")
	if line, _ := br.ReadString('\n'); line != "first\n" {
		t.Fatalf("got %q", line)
	}
	close(release)
	if rest, _ := io.ReadAll(br); string(rest) != "second\n" {
		t.Fatalf("rest %q", rest)
	}
}

func TestNoBackendGives502(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	p := startProxy(t, Config{}, dead)
	res, err := httpsClient().Get("https://localhost:" + port(p.addr) + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	want := "nothing listens on " + dead + ": start your server, or check --to"
	if res.StatusCode != http.StatusBadGateway || strings.TrimSpace(string(body)) != want {
		t.Errorf("got %d %q, want 502 %q", res.StatusCode, body, want)
	}
	// A WebSocket gets the same answer.
	_, resp, err := dialWSS(t, p.addr, "/ws", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("websocket to no backend: %v %v", resp, err)
	}
	if n := len(p.logs.waitLines(2, "nothing listens on")); n != 2 {
		t.Errorf("want one log line per request (2), got %d:\n%s", n, p.logs)
	}
}

func TestRoutesByLongestPath(t *testing.T) {
	api := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "api "+r.URL.Path) }))
	app := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "app "+r.URL.Path) }))
	p := startProxy(t, Config{Routes: []Route{
		{Path: "/", Target: mustTarget(t, app)},
		{Path: "/api/", Target: mustTarget(t, api)},
	}}, "")
	for path, want := range map[string]string{"/api": "api /api", "/api/x": "api /api/x", "/apix": "app /apix", "/": "app /"} {
		res, err := httpsClient().Get("https://localhost:" + port(p.addr) + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(body) != want {
			t.Errorf("%s went to %q, want %q", path, body, want)
		}
	}
	only := startProxy(t, Config{Routes: []Route{{Path: "/api", Target: mustTarget(t, api)}}}, "")
	res, err := httpsClient().Get("https://localhost:" + port(only.addr) + "/other")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unrouted path: %d", res.StatusCode)
	}
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}
