package npm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// readmeViteBlock is the README's Vite plugin example: a js code block
// whose first line names the file it goes in.
var readmeViteBlock = regexp.MustCompile("(?s)### Vite plugin.*?```js\n// (vite\\.config\\.[a-z]+)\n(.*?)```")

// TestREADMEViteConfigAsIs: the README's Vite plugin example, saved under
// the name it gives in a project made with `npm init -y` (no "type"
// field), loads without Vite's warning about ESM syntax in a CommonJS
// file; and the Vite version the README names is the one the test lock
// file pins.
func TestREADMEViteConfigAsIs(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(harness.RepoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := readmeViteBlock.FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no js block under \"### Vite plugin\" that names its file on its first line")
	}
	name, body := string(m[1]), string(m[2])

	var lock struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	data, err := os.ReadFile(filepath.Join(harness.NPMDir(), "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &lock); err != nil {
		t.Fatal(err)
	}
	pinned := lock.Packages["node_modules/vite"].Version
	if pinned == "" || !strings.Contains(string(readme), "Vite "+pinned) {
		t.Errorf("README.md does not name Vite %q, the version e2e/testdata/npm/package-lock.json pins", pinned)
	}

	a := installApp(t, nil)
	harness.LinkPackages(t, harness.NPMDir(), a.sb.Project, "vite")
	// What npm init -y writes: no "type", so .js is CommonJS to Node.
	writeJSON(t, filepath.Join(a.sb.Project, "package.json"), map[string]any{
		"name": "my-app", "version": "1.0.0", "main": "index.js",
		"scripts":         map[string]string{"dev": "vite"},
		"devDependencies": map[string]string{"rtdev": "*", "vite": pinned},
	})
	writeFile(t, filepath.Join(a.sb.Project, name), body)
	writeFile(t, filepath.Join(a.sb.Project, "index.html"), "<!doctype html><p>app</p>\n")
	out, errOut, err := a.sb.Run(filepath.Join(a.sb.Project, "node_modules", ".bin", "vite"), "build")
	if err != nil {
		t.Fatalf("vite build with the README's %s: %v\n%s%s", name, err, out, errOut)
	}
	for _, warn := range []string{"loaded as CommonJS", "Reparsing as ES module", "MODULE_TYPELESS_PACKAGE_JSON"} {
		if strings.Contains(out+errOut, warn) {
			t.Errorf("the README's %s in an npm init -y project warns %q:\n%s%s", name, warn, out, errOut)
		}
	}
}
