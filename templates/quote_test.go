package templates

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

func TestQuoteTable(t *testing.T) {
	tests := []struct {
		name  string
		quote func(string) string
		in    string
		want  string
	}{
		{"js plain", quoteJS, "/a/b.pem", `'/a/b.pem'`},
		{"js quote and backslash", quoteJS, `C:\it's`, `'C:\\it\'s'`},
		{"js line separators", quoteJS, "a\u2028b\nc", `'a\u2028b\nc'`},
		{"js control", quoteJS, "a\x01", `'a\x01'`},
		{"py windows path", quotePy, `C:\new\table`, `'C:\\new\\table'`},
		{"dart dollar", quoteDart, "$HOME/${x}", `'\$HOME/\${x}'`},
		{"dart quote", quoteDart, "it's", `'it\'s'`},
		{"php keeps dollar", quotePHP, `$x\'`, `'$x\\\''`},
		{"go", quoteGo, `a"b`, `"a\"b"`},
		{"json keeps html", quoteJSON, "<a&b>", `"<a&b>"`},
		{"fish", quoteFish, `it's \ $x`, `'it\'s \\ $x'`},
		{"powershell", quotePowerShell, "it's ‘x’ $y", "'it''s ‘‘x’’ $y'"},
		{"properties", quoteProperties, ` C:\x ü😀`, `\ C:\\x \u00FC\uD83D\uDE00`},
		{"jvm bare", jvmQuote, "-Da=b", "-Da=b"},
		{"jvm space", jvmQuote, "-Da=b c", `"-Da=b c"`},
		{"jvm double quote", jvmQuote, `-Da="b"`, `"-Da="'"'"b"'"'`},
		{"jvm empty", jvmQuote, "", `""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.quote(tt.in); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestQuoteRefusals(t *testing.T) {
	tests := []struct {
		name  string
		quote func(string) (string, error)
		in    string
		ok    bool
		want  string // the quoted form, when ok
	}{
		{"nginx plain", quoteNginx, `/a "b"\c`, true, `"/a \"b\"\\c"`},
		{"nginx dollar", quoteNginx, "/a$b", false, ""},
		{"caddy braces", quoteCaddy, "/a/{x}", true, `"/a/{x}"`},
		{"caddy quote and backslash", quoteCaddy, `C:\a "b"`, true, `"C:\a \"b\""`},
		{"caddy env substitution", quoteCaddy, "/a/{$HOME}", false, ""},
		{"caddy backslash before quote", quoteCaddy, `/a\"b`, false, ""},
		{"caddy trailing backslash", quoteCaddy, `C:\a\`, false, ""},
		{"dotenv dollar", quoteDotenv, "/a/$b", true, `'/a/\$b'`},
		{"dotenv newline", quoteDotenv, "/a\nb", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.quote(tt.in)
			if (err == nil) != tt.ok {
				t.Errorf("err = %v, want ok=%v", err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// hostileStrings are what the round trips below quote and read back.
var hostileStrings = testtool.HostileWords()

// roundTrip writes the quoted strings into a program for a real
// interpreter, which prints them back as a JSON array.
func roundTrip(t *testing.T, quote func(string) string, file string, program func(lits []string) string, cmd func(path string) *exec.Cmd) {
	t.Helper()
	lits := make([]string, len(hostileStrings))
	for i, s := range hostileStrings {
		lits[i] = quote(s)
	}
	path := filepath.Join(t.TempDir(), file)
	if err := os.WriteFile(path, []byte(program(lits)), 0o644); err != nil {
		t.Fatal(err)
	}
	c := cmd(path)
	c.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "PYTHONIOENCODING=utf-8")
	out := run(t, c)
	var got []string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(got) != len(hostileStrings) {
		t.Fatalf("got %d strings, want %d", len(got), len(hostileStrings))
	}
	for i, want := range hostileStrings {
		if got[i] != want {
			t.Errorf("%s read back as %q, want %q", lits[i], got[i], want)
		}
	}
}

// TestQuoteRoundTrip has node, python and php read the literals back.
func TestQuoteRoundTrip(t *testing.T) {
	tests := []struct {
		name, file string
		tool       func(t *testing.T) string
		quote      func(string) string
		open, end  string // program text around the comma-separated literals
	}{
		{"node", "q.mjs", func(t *testing.T) string { return testtool.Need(t, "node") }, quoteJS,
			"process.stdout.write(JSON.stringify([", "]))\n"},
		{"python", "q.py", func(t *testing.T) string { return testtool.Python(t) }, quotePy,
			"import json, sys\nsys.stdout.write(json.dumps([", "]))\n"},
		{"php", "q.php", func(t *testing.T) string { return testtool.Need(t, "php") }, quotePHP,
			"<?php\necho json_encode([", "]);\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tool := tt.tool(t)
			roundTrip(t, tt.quote, tt.file,
				func(lits []string) string { return tt.open + strings.Join(lits, ",\n") + tt.end },
				func(p string) *exec.Cmd { return exec.Command(tool, p) })
		})
	}
}

// TestQuoteRoundTripShells has fish print each word (dash and bash read
// the POSIX words back in internal/shell).
func TestQuoteRoundTripShells(t *testing.T) {
	node := testtool.Need(t, "node") // turns NUL-separated output into JSON
	for _, sh := range []struct {
		tool  string
		quote func(string) string
	}{{"fish", quoteFish}} {
		t.Run(sh.tool, func(t *testing.T) {
			tool := testtool.Need(t, sh.tool)
			roundTrip(t, sh.quote, "q.sh",
				func(lits []string) string { return "printf '%s\\0' " + strings.Join(lits, " ") + "\n" },
				func(p string) *exec.Cmd {
					return exec.Command("sh", "-c", `"$1" "$2" | "$3" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(s.split("\0").slice(0,-1))))'`,
						"sh", tool, p, node)
				})
		})
	}
}
