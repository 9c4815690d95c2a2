package cmd

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSelfCommand(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "bin", "rtdev")
	other := filepath.Join(dir, "other", "rtdev")
	for _, p := range []string{prog, other} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(prog, link); err != nil {
		t.Fatal(err)
	}
	spaced := filepath.Join(dir, "my tools", "rtdev")
	self := func() (string, error) { return prog, nil }
	found := func(p string) func(string) (string, error) {
		return func(string) (string, error) { return p, nil }
	}
	missing := func(string) (string, error) { return "", errors.New("not found") }
	for _, c := range []struct {
		name, arg0 string
		look       func(string) (string, error)
		want       string
	}{
		{"on PATH, this program", "rtdev", found(prog), "rtdev"},
		{"on PATH through a link", "./bin/rtdev", found(link), "rtdev"},
		{"not on PATH, run by path", "./bin/rtdev", missing, "./bin/rtdev"},
		{"another rtdev on PATH", "./bin/rtdev", found(other), "./bin/rtdev"},
		{"a path with a space", spaced, missing, "'" + spaced + "'"},
		{"a bare name", "rtdev", missing, "rtdev"},
	} {
		if got := selfCommand(c.arg0, c.look, self); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestAsRun(t *testing.T) {
	a := &app{self: "./bin/rtdev"}
	for in, want := range map[string]string{
		"rtdev init":                                     "./bin/rtdev init",
		`run "rtdev trust install" as yourself`:          `run "./bin/rtdev trust install" as yourself`,
		"fix: rtdev init && rtdev snippet --list":        "fix: ./bin/rtdev init && ./bin/rtdev snippet --list",
		"RTDEV_CAROOT=/x rtdev init --host a.test":       "RTDEV_CAROOT=/x ./bin/rtdev init --host a.test",
		"(`rtdev serve --lan`)":                          "(`./bin/rtdev serve --lan`)",
		"edit rtdev.toml, then open /rtdev/ and .rtdev/": "edit rtdev.toml, then open /rtdev/ and .rtdev/",
		"rtdev initialised nothing; myrtdev init":        "rtdev initialised nothing; myrtdev init",
		"the rtdev CA":                                   "the rtdev CA",
	} {
		if got := a.asRun(in); got != want {
			t.Errorf("asRun(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (&app{}).asRun("rtdev init"); got != "rtdev init" {
		t.Errorf("with rtdev on PATH: %q", got)
	}
}

// TestSubcommandNames: asRun knows every command rtdev has.
func TestSubcommandNames(t *testing.T) {
	var names []string
	for _, c := range newRootCmd(&app{}).Commands() {
		if c.Name() != "help" {
			names = append(names, c.Name())
		}
	}
	slices.Sort(names)
	want := slices.Clone(subcommandNames)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("commands %v, subcommandNames %v", names, want)
	}
}
