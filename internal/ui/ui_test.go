package ui

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func TestPlainStylesAddNoEscapes(t *testing.T) {
	var b bytes.Buffer
	st := NewStyles(&b, false)
	for _, s := range []string{st.OK.Render("ok"), st.Error.Render("bad"), st.Mark("warn"), st.Code.Render("rtdev init")} {
		if strings.Contains(s, "\x1b[") {
			t.Fatalf("plain style emitted an escape: %q", s)
		}
	}
	got := st.Table([]string{"store", "state"}, [][]string{{"nss", "installed"}, {"system", "missing"}})
	want := "store   state\nnss     installed\nsystem  missing\n"
	if got != want {
		t.Fatalf("plain table:\n%q\nwant\n%q", got, want)
	}
}

func TestColorStylesOnATerminal(t *testing.T) {
	var b bytes.Buffer
	st := NewStyles(&b, true)
	if s := st.OK.Render("ok"); !strings.Contains(s, "\x1b[") {
		t.Fatalf("colour style emitted no escape: %q", s)
	}
	if tbl := st.Table([]string{"a"}, [][]string{{"b"}}); !strings.Contains(tbl, "╭") {
		t.Fatalf("colour table has no border: %q", tbl)
	}
}

func TestColorDecision(t *testing.T) {
	ios := &IOStreams{OutTTY: true, ErrTTY: true, InTTY: true}
	if !ios.ColorOut() || !ios.ColorErr() || !ios.CanPrompt() {
		t.Fatal("a terminal gets colour and prompts")
	}
	ios.NoColor = true
	if ios.ColorOut() || ios.ColorErr() {
		t.Fatal("NO_COLOR must turn colour off")
	}
	piped, _, _, _ := Test()
	if piped.ColorOut() || piped.CanPrompt() {
		t.Fatal("a pipe gets no colour and no prompt")
	}
	env := map[string]string{"NO_COLOR": "1"}
	if !System(func(k string) string { return env[k] }).NoColor {
		t.Fatal("System ignores NO_COLOR")
	}
}

func TestLoggerFormats(t *testing.T) {
	ios, _, _, errOut := Test()
	NewLogger(ios, "json", slog.LevelInfo).Info("client connected", "id", "abc")
	var rec map[string]any
	if err := json.Unmarshal(errOut.Bytes(), &rec); err != nil || rec["msg"] != "client connected" || rec["id"] != "abc" {
		t.Fatalf("json log line %q: %v", errOut.String(), err)
	}
	errOut.Reset()
	NewLogger(ios, "text", slog.LevelInfo).Warn("slow peer", "id", "x")
	if !strings.Contains(errOut.String(), `level=WARN msg="slow peer" id=x`) {
		t.Fatalf("text log line %q", errOut.String())
	}
	errOut.Reset()
	ios.ErrTTY = true
	NewLogger(ios, "text", slog.LevelInfo).With("conn", 7).Info("open", "id", "y")
	if out := errOut.String(); !strings.Contains(out, "INFO") || !strings.Contains(out, "open") || !strings.Contains(out, "=y") || !strings.Contains(out, "=7") || !strings.Contains(out, "\x1b[") {
		t.Fatalf("terminal log line %q", out)
	}
}

func TestProgressPlainPrintsOnce(t *testing.T) {
	ios, _, _, errOut := Test()
	stop := ios.Progress("installing")
	stop()
	stop()
	if errOut.String() != "installing…\n" {
		t.Fatalf("progress on a pipe = %q", errOut.String())
	}
}
