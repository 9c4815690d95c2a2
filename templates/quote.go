package templates

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/rtdev/rtdev/internal/shell"
)

// Quoting for each snippet language: the value must come out of the tool's
// own parser byte for byte, whatever the project folder is called.

// quoteC writes a single-quoted literal in the escape syntax JavaScript,
// TypeScript, Python and Dart share (\\ \' \n \r \t \xNN \uNNNN). U+2028 and
// U+2029 are escaped too: they end a line in pre-ES2019 JavaScript.
func quoteC(s string, extra func(r rune) string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		if extra != nil {
			if e := extra(r); e != "" {
				b.WriteString(e)
				continue
			}
		}
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\'':
			b.WriteString(`\'`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// quoteJS is a JavaScript/TypeScript string literal.
func quoteJS(s string) string { return quoteC(s, nil) }

// quotePy is a Python 3 str literal.
func quotePy(s string) string { return quoteC(s, nil) }

// quoteDart is a Dart string literal: "$" starts interpolation there.
func quoteDart(s string) string {
	return quoteC(s, func(r rune) string {
		if r == '$' {
			return `\$`
		}
		return ""
	})
}

// backslashSingle escapes \ and ' for the single-quoted strings of PHP and
// fish, where \\ and \' are the only escapes.
var backslashSingle = strings.NewReplacer(`\`, `\\`, `'`, `\'`)

// quotePHP is a single-quoted PHP string (php.net language.types.string,
// "Single quoted").
func quotePHP(s string) string { return "'" + backslashSingle.Replace(s) + "'" }

// quoteGo is a Go interpreted string literal.
func quoteGo(s string) string { return strconv.Quote(s) }

// quoteJSON is a JSON string; HTML characters stay as they are (these are
// config files, not pages).
func quoteJSON(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}

// quoteSh is one POSIX shell word. The quoter is shared with doctor's
// fixes, trust's manual commands and the hints (internal/shell).
var quoteSh = shell.Quote

// quoteFish is a fish single-quoted string (fish docs, "Quotes").
func quoteFish(s string) string { return "'" + backslashSingle.Replace(s) + "'" }

// quotePowerShell is a PowerShell verbatim string. PowerShell also takes the
// typographic single quotes U+2018..U+201B as quote marks, so those are
// doubled like ' (about_Quoting_Rules).
func quotePowerShell(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// quoteNginx is a double-quoted nginx string (\" and \\ are unescaped by its
// parser). nginx expands "$name" in these directives and has no escape for
// "$", so such a path cannot be written at all.
func quoteNginx(s string) (string, error) {
	if strings.Contains(s, "$") {
		return "", fmt.Errorf(`nginx reads "$" as a variable and has no escape for it`)
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`, nil
}

// quoteCaddy is a double-quoted Caddyfile token. Its lexer unescapes only \"
// (a backslash before anything else stays), and it substitutes {$VAR}
// before lexing, quotes or not (caddyconfig/caddyfile lexer.go, parse.go).
func quoteCaddy(s string) (string, error) {
	if strings.Contains(s, "{$") {
		return "", fmt.Errorf("the Caddyfile substitutes {$...} everywhere")
	}
	if strings.Contains(s, `\"`) || strings.HasSuffix(s, `\`) {
		return "", fmt.Errorf(`a Caddyfile string cannot hold a backslash before a quote or at its end`)
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`, nil
}

// quoteProperties is a java.util.Properties value: \\, a leading space, the
// control characters and everything outside ASCII as \uXXXX (Properties.load
// reads ISO 8859-1; Spring Boot's loader takes the same escapes).
func quoteProperties(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ' ' && i == 0:
			b.WriteString(`\ `)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r > 0x7e:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04X`, u)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// quoteDotenv is a value for the .env reader Create React App uses (dotenv
// 10 + dotenv-expand 5): single quotes, so "\n" inside a Windows path stays
// two characters, and "\$" for a literal "$", which dotenv-expand would
// otherwise expand even inside quotes.
func quoteDotenv(s string) (string, error) {
	if strings.ContainsAny(s, "\r\n") {
		return "", fmt.Errorf("a .env value cannot hold a line break")
	}
	return "'" + strings.ReplaceAll(s, "$", `\$`) + "'", nil
}

// jvmQuote is one word of JAVA_TOOL_OPTIONS. The JVM splits that variable on
// white space and groups quoted runs, with no escapes inside quotes
// (hotspot Arguments::parse_options_buffer), so runs without " go inside
// double quotes and each " inside single quotes; adjacent runs join.
func jvmQuote(s string) string {
	if s == "" {
		return `""`
	}
	if !strings.ContainsAny(s, " \t\r\n\"'") {
		return s
	}
	var b strings.Builder
	for i, part := range strings.Split(s, `"`) {
		if i > 0 {
			b.WriteString(`'"'`)
		}
		if part != "" {
			b.WriteString(`"` + part + `"`)
		}
	}
	return b.String()
}
