package proxy

import (
	"log/slog"
	"net/http"
	"time"
)

// logWriter records what the access line reports about a response. Unwrap
// lets http.ResponseController (which ReverseProxy flushes through) reach
// the real writer, so streaming works through it.
type logWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	err    string
}

func (w *logWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *logWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// setLogError attaches the reason a request failed to its access line.
func setLogError(w http.ResponseWriter, msg string) {
	if lw, ok := w.(*logWriter); ok {
		lw.err = msg
	}
}

// logRequest writes the one access line of an HTTP request.
func (s *Server) logRequest(r *http.Request, rt *Route, w *logWriter, start time.Time) {
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", logPath(r)),
		slog.Int("status", w.status),
		slog.Int64("bytes", w.bytes),
		slog.Duration("duration", time.Since(start).Round(time.Microsecond)),
		slog.String("remote", r.RemoteAddr),
	}
	if rt != nil {
		attrs = append(attrs, slog.String("backend", rt.Target.Host))
	}
	level := slog.LevelInfo
	if w.err != "" {
		attrs = append(attrs, slog.String("error", w.err))
		level = slog.LevelWarn
	}
	s.log.LogAttrs(r.Context(), level, "http", attrs...)
}

// logPath is the request path as it came, percent-encoded, so a path with
// an escape sequence in it cannot reach a terminal raw. The query is left
// out: it often carries tokens.
func logPath(r *http.Request) string { return r.URL.EscapedPath() }
