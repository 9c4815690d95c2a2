package cmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rtdev/rtdev/devserver/checkpage"
)

// The check page's "run this instead" line: the serve command as typed,
// as it can be run again, with --lan for --bind and without --cluster,
// whose URL may hold a password.
func TestLANCommand(t *testing.T) {
	a := &app{self: "./bin/rtdev"}
	c := newCmdServe(a)
	if err := c.ParseFlags([]string{"--port", "9001", "--bind", "127.0.0.1", "--cors", "https://a.test", "--cors", "https://b.test",
		"--cluster", "redis://:secret@localhost:6379/0", "--static", "my app"}); err != nil {
		t.Fatal(err)
	}
	want := "./bin/rtdev serve --cors=https://a.test --cors=https://b.test --port=9001 '--static=my app' --lan"
	if got := a.lanCommand(c); got != want {
		t.Errorf("lanCommand\n got %s\nwant %s", got, want)
	}
}

// /favicon.ico is rtdev's icon unless the app's static folder answers it.
func TestAppHandlerFavicon(t *testing.T) {
	get := func(h http.Handler) *http.Response {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/favicon.ico", nil))
		return rec.Result()
	}
	res := get(appHandler(nil, nil))
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/x-icon" || string(body) != string(checkpage.Favicon()) {
		t.Errorf("no app: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	static := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "the app's own icon") })
	if body, _ := io.ReadAll(get(appHandler(nil, static)).Body); string(body) != "the app's own icon" {
		t.Errorf("a static folder's icon was replaced: %q", body)
	}
	rec := httptest.NewRecorder()
	appHandler(nil, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/other", nil))
	if rec.Code != 404 {
		t.Errorf("another path: %d", rec.Code)
	}
}
