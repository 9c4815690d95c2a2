package devserver

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

const testForwardToken = "forward-token-0123456789abcdef"

// Forwarded client addresses and hosts count only on requests that carry
// the token, which no handler and no log line ever sees.
func TestForwardedHeadersNeedTheToken(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "addr=%s host=%s token=%q", ClientAddr(r), ClientHost(r), r.Header.Get(ForwardTokenHeader))
	})
	ts := startServerWith(t, Config{ForwardToken: testForwardToken}, echo)
	direct := fmt.Sprintf("addr=127.0.0.1 host=%s token=%q", ts.addr, "")
	forwarded := http.Header{
		"X-Forwarded-For":  {"198.51.100.7, 203.0.113.9"}, // the proxy appended the last one
		"X-Forwarded-Host": {"App.Example:5173"},
	}
	with := func(h http.Header, token string) http.Header {
		h = h.Clone()
		if token != "" {
			h.Set(ForwardTokenHeader, token)
		}
		return h
	}

	for _, tc := range []struct {
		name string
		hdr  http.Header
		want string
	}{
		{"no token", forwarded, direct},
		{"wrong token", with(forwarded, "forward-token-0123456789abcdeX"), direct},
		{"token sent twice", with(forwarded, testForwardToken+", "+testForwardToken), direct},
		{"token", with(forwarded, testForwardToken), `addr=203.0.113.9 host=App.Example:5173 token=""`},
		{"token, IPv4-mapped address", with(http.Header{"X-Forwarded-For": {"::ffff:192.0.2.4"}}, testForwardToken), fmt.Sprintf("addr=192.0.2.4 host=%s token=%q", ts.addr, "")},
		{"token, junk address", with(http.Header{"X-Forwarded-For": {"<script>"}, "X-Forwarded-Host": {"x.example"}}, testForwardToken), direct},
		{"token, junk host", with(http.Header{"X-Forwarded-For": {"2001:db8::5"}, "X-Forwarded-Host": {"a b\"<"}}, testForwardToken), fmt.Sprintf("addr=2001:db8::5 host=%s token=%q", ts.addr, "")},
	} {
		if _, body := ts.do("GET", "/echo", tc.hdr); body != tc.want {
			t.Errorf("%s: handler saw %s, want %s", tc.name, body, tc.want)
		}
	}

	// A WebSocket through the proxy is logged with the forwarded address.
	d := websocket.Dialer{TLSClientConfig: ts.pki.clientConfig(), HandshakeTimeout: waitTimeout}
	c, _, err := d.Dial("wss://"+ts.addr+ts.srv.WebSocketPath()+"?"+peerQuery("fwd", "tok", "peerjs"), with(forwarded, testForwardToken))
	if err != nil {
		t.Fatal(err)
	}
	p := &peerConn{t: t, c: c}
	p.expect(`{"type":"OPEN"}`)
	_ = c.Close()
	ts.eventually("the peer to leave", func(s Stats) bool { return s.Peers == 0 })
	logs := ts.logs.String()
	if !strings.Contains(logs, `remote="203.0.113.9 via 127.0.0.1:`) {
		t.Errorf("the forwarded peer is not logged by its address:\n%s", logs)
	}
	if !strings.Contains(logs, "wrong "+ForwardTokenHeader) {
		t.Errorf("a wrong token is not logged:\n%s", logs)
	}
	if strings.Contains(logs, "forward-token-") {
		t.Errorf("the log shows a token:\n%s", logs)
	}

	// Without a token configured nothing is believed, whatever is sent.
	plain := startServerWith(t, Config{}, echo)
	if _, body := plain.do("GET", "/echo", with(forwarded, testForwardToken)); body != fmt.Sprintf("addr=127.0.0.1 host=%s token=%q", plain.addr, "") {
		t.Errorf("a server without a token believed a forwarded header: %s", body)
	}
}

func TestForwardTokenChecked(t *testing.T) {
	for _, tok := range []string{"short", strings.Repeat("a", 15), strings.Repeat("a", 20) + " b", strings.Repeat("é", 10)} {
		_, err := Config{ForwardToken: tok}.withDefaults()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != "ForwardToken" {
			t.Errorf("ForwardToken %q: %v", tok, err)
		}
	}
	if _, err := (Config{ForwardToken: testForwardToken}).withDefaults(); err != nil {
		t.Error(err)
	}
}
