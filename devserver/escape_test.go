package devserver

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"
	"github.com/rtdev/rtdev/internal/ui"
)

// TestStyledLogEscapesUntrusted: what a page or a device on the Wi-Fi
// sends (a plain-HTTP path, a dst) reaches the styled terminal log
// escaped, never as a control sequence (an OSC 52 clipboard write).
func TestStyledLogEscapesUntrusted(t *testing.T) {
	logs := &testtool.SyncBuffer{}
	ios := &ui.IOStreams{ErrOut: logs, ErrTTY: true}
	ts := startServer(t, Config{Logger: ui.NewLogger(ios, "text", 0)})

	// A plain HTTP request on the TLS port with the sequence in its path
	// (percent-decoded by the server before it logs the path).
	conn, err := net.DialTimeout("tcp", ts.addr, waitTimeout)
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetDeadline(waitDeadline())
	fmt.Fprintf(conn, "GET /%%1b]52;c;cHduZWQ=%%07x HTTP/1.1\r\nHost: localhost\r\n\r\n")
	buf := make([]byte, 512)
	_, _ = conn.Read(buf)
	_ = conn.Close()

	// An OFFER to a dst holding the sequence: queued for an offline peer.
	a := ts.join("alice", "t1")
	a.send(`{"type":"OFFER","dst":"bob\u001b]52;c;cHduZWQ=\u0007","payload":{}}`)

	deadline := time.Now().Add(waitTimeout)
	for !strings.Contains(logs.String(), "plain HTTP") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	out := logs.String()
	if !strings.Contains(out, "plain HTTP") {
		t.Fatalf("no plain-HTTP log line: %q", out)
	}
	if strings.Contains(out, "\x1b]52") || strings.Contains(out, "\x07") {
		t.Fatalf("the styled log holds a raw control sequence: %q", out)
	}
}
