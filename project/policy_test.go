package project

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/run"
)

// TestEveryConfigFieldHasAClass: the committed-file rule has one class per
// setting; a field added without one fails here, not in a review.
func TestEveryConfigFieldHasAClass(t *testing.T) {
	got := classes()
	for key, want := range map[string]Class{
		"hosts": ClassFile, "serve.port": ClassFile, "serve.lan": ClassLocal, "serve.containers": ClassLocal, "serve.bind": ClassLoopback,
		"serve.static": ClassLoopback, "serve.route": ClassLoopback, "serve.cluster": ClassLoopback, "proxy": ClassLoopback,
		"onboarding.release_url": ClassFile,
	} {
		if got[key] != want {
			t.Errorf("class of %s = %q, want %q", key, got[key], want)
		}
	}
	// Every key the TOML decoder knows has a class: walk the same type
	// the decoder fills.
	var count func(t reflect.Type) int
	count = func(t reflect.Type) int {
		n := 0
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			switch {
			case name == "-" || !f.IsExported():
			case f.Type.Kind() == reflect.Struct && f.Tag.Get("policy") == string(classTable):
				n += count(f.Type)
			default:
				n++
			}
		}
		return n
	}
	if n, want := len(got), count(reflect.TypeOf(Config{})); n != want {
		t.Errorf("%d classes for %d settings", n, want)
	}
	// Every class but file is enforced somewhere, and nothing else is.
	for key, c := range got {
		_, rule := committedRules[key]
		if enforced := rule || loadChecked[key]; enforced != (c != ClassFile) {
			t.Errorf("%s is of class %s, but enforced = %v", key, c, enforced)
		}
	}

	// And a field without a class is caught.
	type withNewField struct {
		Port   int    `toml:"port" policy:"file"`
		Secret string `toml:"secret"`
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "Secret") {
			t.Errorf("a field without a class gave %v, want a panic naming it", r)
		}
	}()
	walkClasses(reflect.TypeOf(withNewField{}), "", map[string]Class{})
}

// TestCommittedFileCannotOpenTheMachine: what a hostile rtdev.toml asks for
// on the network is left out, each with one notice naming the flag.
func TestCommittedFileCannotOpenTheMachine(t *testing.T) {
	lay, _ := gitWorkTree(t)
	home := filepath.Dir(lay.Root)
	put(t, filepath.Join(home, ".docker", "config.json"), `{"auths":{}}`)
	put(t, lay.ConfigFile, `
[serve]
port = 9100
lan = true
containers = true
bind = "0.0.0.0"
static = "../.docker"
cluster = "redis://127.0.0.1:6379/0?password=s3cretPW"
`)
	s, err := Load(t.Context(), run.ExecRunner(), lay)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config.Serve
	if c.Port != 9100 || c.LAN || c.Containers || c.Bind != "127.0.0.1" || c.Static != "" || c.Cluster != "" {
		t.Errorf("serve settings %+v: want port 9100 and the rest left out", c)
	}
	fixes := map[string]string{"serve.lan": "--lan", "serve.containers": "--containers", "serve.bind": "--bind 0.0.0.0", "serve.static": "--static DIR", "serve.cluster": "--cluster URL"}
	if len(s.Notices) != len(fixes) {
		t.Errorf("notices %+v, want one each for %v", s.Notices, fixes)
	}
	for _, n := range s.Notices {
		if !strings.Contains(n.Fix, fixes[n.Key]) || n.Source != FromCommitted {
			t.Errorf("notice %+v: want its fix to name %q", n, fixes[n.Key])
		}
		if strings.Contains(n.String(), "s3cretPW") {
			t.Errorf("notice shows the password: %s", n)
		}
	}
}

func TestCommittedStaticRoot(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"public", "public/.well-known", ".git/objects", "dist"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "linked")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, ".git"), filepath.Join(root, "gitlink")); err != nil {
		t.Fatal(err)
	}
	for static, want := range map[string]string{
		"public":              "",
		"./dist":              "",
		"not-made-yet/www":    "",
		"public/.well-known":  "dot-folder",
		".git/objects":        "dot-folder",
		"gitlink":             "dot-folder",
		"linked":              "outside",
		"../elsewhere":        "outside",
		outside:               "outside",
		".":                   "project folder itself",
		filepath.Join(root):   "project folder itself",
		"public/../../x/y/..": "outside",
	} {
		got := staticOutsideProject(root, static)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("static %q: %q, want %q", static, got, want)
		}
	}
}

// TestLocalFile: the developer's own rtdev.local.toml overrides scalars and
// adds to the lists, and may ask for what the committed file may not, but
// only while git ignores it.
func TestLocalFile(t *testing.T) {
	const committed = `hosts = ["app.test"]
[serve]
port = 9100
static = "public"
[[serve.route]]
path = "/"
to = "5173"
`
	const local = `hosts = ["me.example.com"]
[serve]
lan = true
port = 9200
[[serve.route]]
path = "/api"
to = "http://192.0.2.10:8080"
`
	t.Run("ignored: the developer's own", func(t *testing.T) {
		lay, _ := gitWorkTree(t)
		put(t, lay.ConfigFile, committed)
		put(t, filepath.Join(lay.Root, LocalConfigFileName), local)
		put(t, lay.GitIgnore, "/"+LocalConfigFileName+"\n")
		s, err := Load(t.Context(), run.ExecRunner(), lay)
		if err != nil {
			t.Fatal(err)
		}
		c := s.Config
		if !c.Serve.LAN || c.Serve.Port != 9200 || c.Serve.Static != "public" || len(s.Notices) != 0 {
			t.Errorf("serve %+v, notices %v: want lan and port 9200 from the local file", c.Serve, s.Notices)
		}
		if len(c.Hosts) != 1 || !reflect.DeepEqual(c.Local, LocalAdditions{Hosts: []string{"me.example.com"}, From: FromLocal}) {
			t.Errorf("hosts %v, local %+v", c.Hosts, c.Local)
		}
		if len(c.Serve.Routes) != 2 || c.Serve.Routes[0].From != FromCommitted || c.Serve.Routes[1].From != FromLocal {
			t.Errorf("routes %+v: want the committed one, then the local one", c.Serve.Routes)
		}
		if s.Source("serve.lan") != FromLocal || s.Source("serve.static") != FromCommitted || s.Source("serve.key") != FromDefault {
			t.Errorf("sources %v", s.Sources)
		}
		hosts := WantedHosts(fakeSystem{host: "box"}, c, nil)
		last := hosts[len(hosts)-1]
		if last.Name != "me.example.com" || !last.Typed || last.origin() != "rtdev.local.toml" {
			t.Errorf("local host %+v: want a typed host", last)
		}
	})
	t.Run("tracked: read as committed", func(t *testing.T) {
		lay, git := gitWorkTree(t)
		put(t, lay.ConfigFile, committed)
		put(t, filepath.Join(lay.Root, LocalConfigFileName), strings.Replace(local, "http://192.0.2.10:8080", "8080", 1))
		git("add", LocalConfigFileName)
		put(t, lay.GitIgnore, "/"+LocalConfigFileName+"\n") // ignoring does not untrack
		s, err := Load(t.Context(), run.ExecRunner(), lay)
		if err != nil {
			t.Fatal(err)
		}
		if s.Config.Serve.LAN || s.Config.Serve.Port != 9200 || s.Config.Local.From != FromCommitted {
			t.Errorf("serve %+v, local %+v: want port from the file but no lan", s.Config.Serve, s.Config.Local)
		}
		if len(s.Notices) != 2 || s.Notices[0].Key != LocalConfigFileName || !strings.Contains(s.Notices[0].Fix, "git rm --cached") || s.Notices[1].Key != "serve.lan" {
			t.Errorf("notices %+v: want the tracked file named, then lan left out", s.Notices)
		}
		hosts := WantedHosts(fakeSystem{host: "box"}, s.Config, nil)
		if last := hosts[len(hosts)-1]; last.Typed {
			t.Errorf("host %+v from a tracked local file counts as typed", last)
		}
	})
	t.Run("tracked: a backend off this machine is refused", func(t *testing.T) {
		lay, git := gitWorkTree(t)
		put(t, lay.ConfigFile, committed)
		put(t, filepath.Join(lay.Root, LocalConfigFileName), local)
		git("add", LocalConfigFileName)
		_, err := Load(t.Context(), run.ExecRunner(), lay)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Path != filepath.Join(lay.Root, LocalConfigFileName) || ce.Line != 7 {
			t.Errorf("err %v, want the local file's line 7 named", err)
		}
	})
	t.Run("outside git: read as committed", func(t *testing.T) {
		lay := NewLayout(t.TempDir())
		put(t, lay.ConfigFile, committed)
		put(t, filepath.Join(lay.Root, LocalConfigFileName), "[serve]\nlan = true\n")
		t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(lay.Root))
		s, err := Load(t.Context(), run.ExecRunner(), lay)
		if err != nil {
			t.Fatal(err)
		}
		if s.Config.Serve.LAN || len(s.Notices) != 2 {
			t.Errorf("lan %v, notices %+v", s.Config.Serve.LAN, s.Notices)
		}
	})
}
