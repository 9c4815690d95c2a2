package ui

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"
)

func plainPretty(w *bytes.Buffer, level slog.Level) *prettyHandler {
	return &prettyHandler{w: w, st: NewStyles(w, false), level: level, mu: &sync.Mutex{}}
}

func TestPrettyHandlerGroupsAndLevels(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(plainPretty(&b, slog.LevelDebug))
	for _, tc := range []struct {
		log  func()
		want string
	}{
		// The prefix of a group applies only to what is added after it.
		{func() { log.With("conn", 7).WithGroup("peer").With("id", "a").Info("open", "n", 1) }, "INFO open conn=7 peer.id=a peer.n=1"},
		{func() { log.WithGroup("a").WithGroup("b").Warn("w", "k", "v") }, "WARN w a.b.k=v"},
		{func() { log.Info("m", slog.Group("g", "x", 1, slog.Group("", "y", 2)), slog.Group("empty")) }, "INFO m g.x=1 g.y=2"},
		{func() { log.WithGroup("").Error("e", "k", "v") }, "ERR  e k=v"},
		{func() { log.Debug("d", "k", "v") }, "DEBUG d k=v"},
	} {
		b.Reset()
		tc.log()
		line := strings.TrimSuffix(b.String(), "\n")
		if _, rest, ok := strings.Cut(line, " "); !ok || rest != tc.want {
			t.Errorf("logged %q, want time then %q", line, tc.want)
		}
	}
	b.Reset()
	slog.New(plainPretty(&b, slog.LevelInfo)).Debug("hidden")
	if b.Len() != 0 {
		t.Errorf("Debug below the level logged %q", b.String())
	}
}

// TestPrettyHandlerConforms runs the standard library's handler checks
// against the plain output, read back into maps.
func TestPrettyHandlerConforms(t *testing.T) {
	var b bytes.Buffer
	results := func() []map[string]any {
		var out []map[string]any
		for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			out = append(out, parsePretty(t, line))
		}
		return out
	}
	if err := slogtest.TestHandler(plainPretty(&b, slog.LevelInfo), results); err != nil {
		t.Error(err)
	}
}

// parsePretty reads "[15:04:05 ]LEVEL msg k=v a.b=c" back: dotted keys
// become nested maps, as slogtest expects of groups.
func parsePretty(t *testing.T, line string) map[string]any {
	t.Helper()
	m := map[string]any{}
	fields := strings.Fields(line)
	if len(fields) > 0 {
		if ts, err := time.Parse(time.TimeOnly, fields[0]); err == nil {
			m[slog.TimeKey] = ts
			fields = fields[1:]
		}
	}
	if len(fields) < 2 {
		t.Fatalf("line %q has no level and message", line)
	}
	m[slog.LevelKey], m[slog.MessageKey] = fields[0], fields[1]
	for _, f := range fields[2:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			t.Fatalf("field %q in %q is not key=value", f, line)
		}
		keys := strings.Split(k, ".")
		cur := m
		for _, g := range keys[:len(keys)-1] {
			sub, ok := cur[g].(map[string]any)
			if !ok {
				sub = map[string]any{}
				cur[g] = sub
			}
			cur = sub
		}
		cur[keys[len(keys)-1]] = v
	}
	return m
}
