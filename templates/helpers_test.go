package templates

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"
)

// needTool returns the path of an external tool the test drives. In CI a
// missing tool is a failure (scripts/test-deps.sh installs it); elsewhere the
// test is skipped with the reason.
func needTool(t *testing.T, name string) string { return testtool.Need(t, name) }

// needNPM returns the templates/testdata/npm folder once `npm ci` has run there.
func needNPM(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "npm"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".bin", "esbuild")); err != nil {
		missing(t, "templates/testdata/npm has no node_modules: run scripts/test-deps.sh (npm ci there)")
	}
	return dir
}

func missing(t *testing.T, why string) { t.Helper(); testtool.Missing(t, why) }

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

// python is Debian's interpreter, not a user's pyenv shim.
func python(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return needTool(t, "python3")
}

// Folder names the checks run under: a space, and every character that a
// careless quote would break on (quotes, $, backslash-free braces, a
// backtick, non-ASCII).
const (
	spacedName  = "chat app"
	hostileName = "it's \"q\" $HOME {x} `id` ü"
)

// certSet writes a real CA and leaf for localhost, 127.0.0.1 and ::1 into
// project/.rtdev/ and returns the Data for it. The snippets' tools (nginx,
// Caddy) load these files, so the paths in the rendered text must be right.
func certSet(t *testing.T, project string) Data {
	t.Helper()
	dir := filepath.Join(project, ".rtdev")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "rtdev test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
		SubjectKeyId:          []byte{1, 2, 3, 4},
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caTmpl, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		t.Fatal(err)
	}
	pemOf := func(typ string, der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}) }
	d := Data{
		ProjectDir:    project,
		CertFile:      filepath.Join(dir, "cert.pem"),
		KeyFile:       filepath.Join(dir, "key.pem"),
		CAFile:        filepath.Join(dir, "ca.pem"),
		FullchainFile: filepath.Join(dir, "fullchain.pem"),
		P12File:       filepath.Join(dir, "cert.p12"),
		CADERFile:     filepath.Join(dir, "ca.der"),
		BundleFile:    filepath.Join(dir, "ca-bundle.pem"),
		P12Password:   "p4ss 'w\"rd' $x",
		Hosts:         []string{"localhost", "127.0.0.1", "::1"},
		KeyType:       "ecdsa",

		TrustStoreFile:     filepath.Join(dir, "truststore.p12"),
		TrustStorePassword: "change it",
	}
	files := map[string][]byte{
		d.CertFile:      pemOf("CERTIFICATE", leafDER),
		d.KeyFile:       pemOf("PRIVATE KEY", keyDER),
		d.CAFile:        pemOf("CERTIFICATE", caDER),
		d.FullchainFile: append(pemOf("CERTIFICATE", leafDER), pemOf("CERTIFICATE", caDER)...),
		d.CADERFile:     caDER,
		d.BundleFile:    pemOf("CERTIFICATE", caDER), // content does not matter to these checks
	}
	for p, b := range files {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// projects returns a spaced and a hostile project folder, each with a cert set.
func projects(t *testing.T) map[string]Data {
	t.Helper()
	root := t.TempDir()
	out := map[string]Data{}
	for label, name := range map[string]string{"spaced": spacedName, "hostile": hostileName} {
		out[label] = certSet(t, filepath.Join(root, name))
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
