package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// TestEcho checks that what the load generator sends comes back unchanged,
// over HTTP and WebSocket, text and binary.
func TestEcho(t *testing.T) {
	srv := httptest.NewServer(routes())
	defer srv.Close()

	resp, err := http.Post(srv.URL+"/echo", "application/octet-stream", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "hello" {
		t.Errorf("POST /echo = %s %q, want 200 \"hello\"", resp.Status, body)
	}

	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for _, m := range []struct {
		typ  int
		data []byte
	}{{websocket.TextMessage, []byte("ping")}, {websocket.BinaryMessage, bytes.Repeat([]byte{0, 1, 2}, 30000)}} {
		if err := ws.WriteMessage(m.typ, m.data); err != nil {
			t.Fatal(err)
		}
		typ, got, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if typ != m.typ || !bytes.Equal(got, m.data) {
			t.Errorf("echo of a %d-byte type-%d message: type %d, %d bytes, equal %v", len(m.data), m.typ, typ, len(got), bytes.Equal(got, m.data))
		}
	}
}
