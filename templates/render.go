package templates

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
)

//go:embed snippets/*.tmpl
var snippetFS embed.FS

// CheckTarget says whether Render has a snippet for name (and, with
// behindServe, a --behind-serve form of it), so a command can refuse a typo
// before it loads or writes anything: nil, an *UnknownTargetError or a
// *BehindServeError.
func CheckTarget(name string, behindServe bool) error {
	_, err := target(name, behindServe)
	return err
}

// target looks name up as Render needs it.
func target(name string, behindServe bool) (Target, error) {
	t, ok := Lookup(name)
	if !ok {
		return Target{}, &UnknownTargetError{Name: name, Suggestions: Closest(name, 3)}
	}
	if behindServe && !t.BehindServe && t.Name != "env" {
		return Target{}, &BehindServeError{Target: t.Name}
	}
	return t, nil
}

// Render returns the snippet for the target called name (or one of its
// aliases), rendered from d.
func Render(name string, d Data) (string, error) {
	t, err := target(name, d.BehindServe)
	if err != nil {
		return "", err
	}
	if t.Name == "env" {
		return RenderEnv("sh", d)
	}
	src, err := snippetFS.ReadFile("snippets/" + t.Name + ".tmpl")
	if err != nil {
		return "", fmt.Errorf("read template %s: %w", t.Name, err)
	}
	tmpl, err := template.New(t.Name).Option("missingkey=error").Funcs(funcs(t)).Parse(string(src))
	if err != nil {
		return "", fmt.Errorf("parse template %s: %w", t.Name, err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, newView(t, d)); err != nil {
		// text/template wraps a function's error with %w, so the typed
		// errors below stay reachable with errors.As.
		return "", fmt.Errorf("render %s: %w", t.Name, err)
	}
	if t.Script != "" {
		return scriptJSON(t, b.String())
	}
	return b.String(), nil
}

// scriptJSON is a package.json holding only t's script, cmdline, for the
// user to merge into theirs (npm runs it with sh -c from the package
// folder). A script is one line, so the template's notes are template
// comments and a template that renders more than one line is a bug.
func scriptJSON(t Target, cmdline string) (string, error) {
	line := strings.TrimSpace(cmdline)
	if line == "" || strings.Contains(line, "\n") {
		return "", fmt.Errorf("render %s: a package.json script is one command line, the template gave %q", t.Name, cmdline)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // a path with & or < stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]map[string]string{"scripts": {t.Script: line}}); err != nil {
		return "", fmt.Errorf("render %s: %w", t.Name, err)
	}
	return b.String(), nil
}

// funcs are the template functions; the ones that can fail name target t in
// their error.
func funcs(t Target) template.FuncMap {
	unsupported := func(quote func(string) (string, error)) func(string) (string, error) {
		return func(s string) (string, error) {
			q, err := quote(s)
			if err != nil {
				return "", &UnsupportedPathError{Target: t.Name, Path: s, Reason: err.Error()}
			}
			return q, nil
		}
	}
	return template.FuncMap{
		"header":   func() string { return header(t) },
		"comment":  func(text string) string { return comment(t, text, 80) },
		"js":       quoteJS,
		"py":       quotePy,
		"dart":     quoteDart,
		"php":      quotePHP,
		"go":       quoteGo,
		"sh":       quoteSh,
		"json":     quoteJSON,
		"prop":     quoteProperties,
		"nginx":    unsupported(quoteNginx),
		"caddy":    unsupported(quoteCaddy),
		"dotenv":   unsupported(quoteDotenv),
		"jsList":   func(ss []string) string { return list(ss, quoteJS) },
		"jsonList": func(ss []string) string { return list(ss, quoteJSON) },
		"hostPort": hostPort,
		"join":     strings.Join,
	}
}

// list is a bracketed, comma-separated list of quoted strings.
func list(ss []string, quote func(string) string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// header is the first comment of every snippet, in the language's own
// comment syntax; JSON has none, so JSON snippets go without.
func header(t Target) string {
	return comment(t, fmt.Sprintf("rtdev: %s. Goes in %s; made by `rtdev snippet %s`.", t.Description, t.File, t.Name), 0)
}

// comment renders text as a comment in t's language, wrapped at width
// columns (0: one line). JSON has no comments: "".
func comment(t Target, text string, width int) string {
	prefix := "# " // sh, py, dotenv, nginx, caddy, java-properties
	switch t.Lang {
	case "js", "ts", "go", "dart", "php", "jsonc":
		prefix = "// "
	case "json":
		return ""
	case "xml":
		return xmlComment(text)
	}
	if width == 0 {
		return prefix + text
	}
	var lines []string
	line := ""
	for _, w := range codeSpans(strings.Fields(text)) {
		if line != "" && len(prefix)+len(line)+1+len(w) > width {
			lines = append(lines, prefix+line)
			line = ""
		}
		line = strings.TrimPrefix(line+" "+w, " ")
	}
	return strings.Join(append(lines, prefix+line), "\n")
}

// codeSpans joins the words of a `quoted command` into one, so wrapping
// never splits a command someone will copy.
func codeSpans(words []string) []string {
	var out []string
	open := false
	for _, w := range words {
		if open {
			out[len(out)-1] += " " + w
		} else {
			out = append(out, w)
		}
		if strings.Count(w, "`")%2 == 1 {
			open = !open
		}
	}
	return out
}

// Aside is what `rtdev snippet` prints beside a snippet that cannot hold it:
// the no-change alternative (the server without TLS behind `rtdev proxy`)
// for a JSON config (Centrifugo), which has no comments. Snippets in other
// languages carry that note as a comment, and Aside is "" for them.
func Aside(name string, d Data) string {
	t, ok := Lookup(name)
	if !ok || comment(t, "x", 0) != "" {
		return ""
	}
	return newView(t, d).ProxyNote()
}
