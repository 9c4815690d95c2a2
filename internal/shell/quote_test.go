package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/a/b-c_d.pem", "/a/b-c_d.pem"},
		{"/home/dev/app/.gitignore", "/home/dev/app/.gitignore"},
		{"plain-arg_1.pem", "plain-arg_1.pem"},
		{"C,,", "C,,"},
		{"", "''"},
		{"a b", "'a b'"},
		{"/home/dev/my app/key.pem", "'/home/dev/my app/key.pem'"},
		{"rtdev development CA 0a", "'rtdev development CA 0a'"},
		{"it's", `'it'\''s'`},
		{"$(rm -rf /)", "'$(rm -rf /)'"},
		{"/Users/a/Library/Application Support/rtdev/ca.pem", "'/Users/a/Library/Application Support/rtdev/ca.pem'"},
		{"ü", "'ü'"},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got, want := Join("certutil", "-L", "-n", "a b"), "certutil -L -n 'a b'"; got != want {
		t.Errorf("Join = %s, want %s", got, want)
	}
}

// hostile are the words the round trip quotes and reads back: the ones
// every quoter is tested with, plus what only a shell word can get wrong.
var hostile = append(testtool.HostileWords(), "", "'", "*?[a]~#!;&|<>(){}")

// TestQuoteRoundTripShells has dash and bash print each word back.
func TestQuoteRoundTripShells(t *testing.T) {
	for _, sh := range []string{"dash", "bash"} {
		t.Run(sh, func(t *testing.T) {
			tool := testtool.Need(t, sh)
			script := filepath.Join(t.TempDir(), "q.sh")
			if err := os.WriteFile(script, []byte("printf '%s\\0' "+Join(hostile...)+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			c := exec.Command(tool, script)
			c.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
			out, err := c.Output()
			if err != nil {
				t.Fatalf("%s: %v", sh, err)
			}
			got := strings.Split(string(out), "\x00")
			got = got[:len(got)-1]
			if len(got) != len(hostile) {
				t.Fatalf("got %d words %q, want %d", len(got), got, len(hostile))
			}
			for i, want := range hostile {
				if got[i] != want {
					t.Errorf("%s read back as %q, want %q", Quote(want), got[i], want)
				}
			}
		})
	}
}
