package ui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// NewLogger returns the logger for long-running commands (rtdev serve):
// JSON lines when format is "json", a styled one-line-per-event format on a
// colour terminal, and slog's plain key=value text otherwise.
func NewLogger(ios *IOStreams, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	switch {
	case format == "json":
		return slog.New(slog.NewJSONHandler(ios.ErrOut, opts))
	case ios.ColorErr():
		return slog.New(&prettyHandler{w: ios.ErrOut, st: ios.StylesErr(), level: level, mu: &sync.Mutex{}})
	default:
		return slog.New(slog.NewTextHandler(ios.ErrOut, opts))
	}
}

// prettyHandler writes "15:04:05 INFO message key=value" with the level and
// keys coloured. It exists only for people watching a terminal; machines get
// the JSON or text handler.
type prettyHandler struct {
	w     io.Writer
	st    Styles
	level slog.Level
	attrs []slog.Attr
	group string
	mu    *sync.Mutex
}

func (h *prettyHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *prettyHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(h.st.Muted.Render(r.Time.Format(time.TimeOnly)))
	b.WriteByte(' ')
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString(h.st.Error.Render("ERR "))
	case r.Level >= slog.LevelWarn:
		b.WriteString(h.st.Warn.Render("WARN"))
	default:
		b.WriteString(h.st.OK.Render("INFO"))
	}
	b.WriteByte(' ')
	b.WriteString(r.Message)
	write := func(a slog.Attr) {
		key := a.Key
		if h.group != "" {
			key = h.group + "." + key
		}
		fmt.Fprintf(&b, " %s=%v", h.st.Hint.Render(key), a.Value.Resolve())
	}
	for _, a := range h.attrs {
		write(a)
	}
	r.Attrs(func(a slog.Attr) bool { write(a); return true })
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *prettyHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr{}, h.attrs...), attrs...)
	return &c
}

func (h *prettyHandler) WithGroup(name string) slog.Handler {
	c := *h
	if c.group != "" {
		name = c.group + "." + name
	}
	c.group = name
	return &c
}
