package templates

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rtdev/rtdev/project"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.golden from the templates")

// goldenData is a fixed project: LAN mode on, so the goldens show the
// every-interface bind and the LAN origin.
func goldenData() Data {
	lay := project.NewLayout("/home/dev/chat app")
	d := LayoutData(lay)
	d.P12Password = "rtdev-1234"
	d.TrustStoreFile, d.TrustStorePassword = lay.TrustStore, "changeit"
	d.Hosts = []string{"localhost", "*.localhost", "127.0.0.1", "::1", "192.168.1.20", "10.0.2.2"}
	d.Host, d.LANAddress = "localhost", "192.168.1.20"
	d.ServePort, d.ServePath, d.ServeKey = 9000, "/", "peerjs"
	d.KeyType = "ecdsa"
	return d
}

// goldenCases is every target, plus the env output of the other shells and
// one render with absolute paths.
func goldenCases() map[string]func() (string, error) {
	d := goldenData()
	cases := map[string]func() (string, error){}
	for _, tg := range Targets() {
		name := tg.Name
		cases[name] = func() (string, error) { return Render(name, d) }
	}
	for _, sh := range []string{"fish", "powershell"} {
		cases["env-"+sh] = func() (string, error) { return RenderEnv(sh, d) }
	}
	abs := d
	abs.Absolute = true
	cases["vite-absolute"] = func() (string, error) { return Render("vite", abs) }
	behind := d
	behind.BehindServe = true
	for _, tg := range Targets() {
		if tg.BehindServe {
			name := tg.Name
			cases[name+"-behind-serve"] = func() (string, error) { return Render(name, behind) }
		}
	}
	return cases
}

func TestGolden(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, render := range goldenCases() {
		t.Run(name, func(t *testing.T) {
			got, err := render()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run: go test ./templates -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the template's output (go test ./templates -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// TestGoldenNoStrays fails on a golden file no case writes any more.
func TestGoldenNoStrays(t *testing.T) {
	cases := goldenCases()
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		name = name[:len(name)-len(".golden")]
		if _, ok := cases[name]; !ok {
			t.Errorf("%s has no render case; delete it", f)
		}
	}
}
