package templates

import (
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/testtool"
	"github.com/rtdev/rtdev/project"
)

// needNPM returns the templates/testdata/npm folder once `npm ci` has run there.
func needNPM(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "npm"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".bin", "esbuild")); err != nil {
		testtool.Missing(t, "templates/testdata/npm has no node_modules: run scripts/test-deps.sh (npm ci there)")
	}
	return dir
}

// toolTimeout bounds every external command, so a hung tool fails its test
// instead of the whole run.
const toolTimeout = 2 * time.Minute

// run runs a command and returns its combined output, failing the test
// with that output when the command fails.
func run(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := runBounded(cmd); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out.String())
	}
	return out.String()
}

// output runs a command and returns its standard output and error apart.
func output(t *testing.T, cmd *exec.Cmd) (stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := runBounded(cmd); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, errOut.String())
	}
	return out.String(), errOut.String()
}

func runBounded(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	timer := time.AfterFunc(toolTimeout, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	return cmd.Wait()
}

// Folder names the checks run under: a space, and every character that a
// careless quote would break on (quotes, $, backslash-free braces, a
// backtick, non-ASCII).
const (
	spacedName  = "chat app"
	hostileName = "it's \"q\" $HOME {x} `id` ü"
)

// certHosts are the names in the checks' leaf certificate.
var certHosts = []string{"localhost", "127.0.0.1", "::1"}

// certSet writes the project cert set for root/.rtdev/, with the leaf
// and CA that c issued, and returns the Data for it. The snippets' tools
// (nginx, Caddy) load these files, so the paths in the rendered text must be
// right.
func certSet(t *testing.T, root string, c *ca.CA, leaf *ca.Leaf) Data {
	t.Helper()
	lay := project.NewLayout(root)
	if err := os.MkdirAll(lay.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	d := LayoutData(lay)
	d.P12Password = "p4ss 'w\"rd' $x"
	d.Hosts = certHosts
	d.KeyType = string(ca.ECDSA)
	d.TrustStoreFile, d.TrustStorePassword = lay.TrustStore, "change it"
	files := map[string][]byte{
		d.CertFile:      leaf.CertPEM,
		d.KeyFile:       leaf.KeyPEM,
		d.CAFile:        c.CertPEM,
		d.FullchainFile: append(append([]byte{}, leaf.CertPEM...), c.CertPEM...),
		d.CADERFile:     c.Cert.Raw,
		d.BundleFile:    c.CertPEM, // content does not matter to these checks
	}
	for p, b := range files {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// projects returns a spaced and a hostile project folder, each with a cert
// set from one rtdev CA.
func projects(t *testing.T) map[string]Data {
	t.Helper()
	root := t.TempDir()
	c, err := ca.Create(filepath.Join(root, "caroot"), ca.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	names, err := ca.ParseNames(certHosts)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := c.Issue(ca.LeafOptions{Names: names})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Data{}
	for label, name := range map[string]string{"spaced": spacedName, "hostile": hostileName} {
		out[label] = certSet(t, filepath.Join(root, name), c, leaf)
	}
	return out
}

// decodeHexValues reads "key=hexbytes" lines.
func decodeHexValues(t *testing.T, out string) []string {
	t.Helper()
	var values []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		_, h, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		values = append(values, string(b))
	}
	return values
}
