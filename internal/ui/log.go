package ui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/rtdev/rtdev/internal/textsafe"
)

// NewLogger returns the logger for long-running commands (rtdev serve):
// JSON lines when format is "json", a styled one-line-per-event format on a
// colour terminal, and slog's plain key=value text otherwise.
func NewLogger(ios *IOStreams, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	switch {
	case format == "json":
		// JSON escapes C0 controls but passes C1 and bidi controls
		// through; log lines often end up on a terminal all the same.
		opts.ReplaceAttr = func(_ []string, a slog.Attr) slog.Attr {
			if a.Value.Kind() == slog.KindString {
				a.Value = slog.StringValue(textsafe.Terminal(a.Value.String()))
			}
			return a
		}
		return slog.New(slog.NewJSONHandler(ios.ErrOut, opts))
	case ios.ColorErr():
		return slog.New(&prettyHandler{w: ios.ErrOut, st: ios.StylesErr(), level: level, mu: &sync.Mutex{}})
	default:
		return slog.New(slog.NewTextHandler(ios.ErrOut, opts))
	}
}

// prettyHandler writes "15:04:05 INFO message key=value" with the level and
// keys coloured. It exists only for people watching a terminal; machines get
// the JSON or text handler. It follows the slog.Handler rules that
// testing/slogtest checks: a group's prefix applies only to attributes
// added after WithGroup, empty attributes and empty groups are dropped, and
// a group with an empty key is inlined.
type prettyHandler struct {
	w     io.Writer
	st    Styles
	level slog.Level
	// attrs are the WithAttrs attributes, already rendered with the group
	// prefix that was open when they were added.
	attrs string
	// prefix is the open groups, "a.b." for WithGroup("a").WithGroup("b").
	prefix string
	mu     *sync.Mutex
}

func (h *prettyHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *prettyHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	if !r.Time.IsZero() { // a zero time means "no time" (slog.Handler docs)
		b.WriteString(h.st.Muted.Render(r.Time.Format(time.TimeOnly)))
		b.WriteByte(' ')
	}
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString(h.st.Error.Render("ERR "))
	case r.Level >= slog.LevelWarn:
		b.WriteString(h.st.Warn.Render("WARN"))
	case r.Level >= slog.LevelInfo:
		b.WriteString(h.st.OK.Render("INFO"))
	default:
		b.WriteString(h.st.Muted.Render("DEBUG"))
	}
	b.WriteByte(' ')
	b.WriteString(textsafe.Terminal(r.Message))
	b.WriteString(h.attrs)
	r.Attrs(func(a slog.Attr) bool { h.writeAttr(&b, h.prefix, a); return true })
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// writeAttr writes " prefix.key=value", resolving LogValuers and
// flattening groups into dotted keys.
func (h *prettyHandler) writeAttr(b *strings.Builder, prefix string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		if a.Key != "" {
			prefix += a.Key + "."
		}
		for _, ga := range a.Value.Group() {
			h.writeAttr(b, prefix, ga)
		}
		return
	}
	// Keys and values come from peers and pages (ids, origins, paths):
	// never let them reach the terminal raw.
	fmt.Fprintf(b, " %s=%s", h.st.Hint.Render(textsafe.Terminal(prefix+a.Key)), textsafe.Terminal(a.Value.String()))
}

func (h *prettyHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	var b strings.Builder
	b.WriteString(h.attrs)
	for _, a := range attrs {
		h.writeAttr(&b, h.prefix, a)
	}
	c.attrs = b.String()
	return &c
}

func (h *prettyHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.prefix += name + "."
	return &c
}
