package templates

import (
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed snippets/*.tmpl
var snippetFS embed.FS

// Render returns the snippet for the target called name (or one of its
// aliases), rendered from d.
func Render(name string, d Data) (string, error) {
	t, ok := Lookup(name)
	if !ok {
		return "", &UnknownTargetError{Name: name, Suggestions: Closest(name, 3)}
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
	text := fmt.Sprintf("rtdev: %s. Goes in %s; made by `rtdev snippet %s`.", t.Description, t.File, t.Name)
	switch t.Lang {
	case "js", "ts", "go", "dart", "php", "jsonc":
		return "// " + text
	case "json":
		return ""
	case "xml":
		return xmlComment(text)
	default: // sh, py, dotenv, nginx, caddy, java-properties
		return "# " + text
	}
}
