package ca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rtdev/rtdev/internal/fsutil"
)

var (
	oidBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidNameConstraints  = asn1.ObjectIdentifier{2, 5, 29, 30}
)

func extension(cert *x509.Certificate, oid asn1.ObjectIdentifier) (critical, present bool) {
	for _, e := range cert.Extensions {
		if e.Id.Equal(oid) {
			return e.Critical, true
		}
	}
	return false, false
}

func TestCreateProfile(t *testing.T) {
	c := newCA(t, CreateOptions{Owner: "dev@devbox", Hostname: "devbox", Now: testNow})
	cert := c.Cert
	k, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || k.Curve != elliptic.P256() {
		t.Errorf("CA key is %T, want ECDSA P-256", cert.PublicKey)
	}
	if !cert.IsCA || cert.MaxPathLen != 0 || !cert.MaxPathLenZero {
		t.Errorf("IsCA=%v MaxPathLen=%d MaxPathLenZero=%v, want a CA with pathlen 0", cert.IsCA, cert.MaxPathLen, cert.MaxPathLenZero)
	}
	if crit, ok := extension(cert, oidBasicConstraints); !ok || !crit {
		t.Error("basicConstraints missing or not critical (Python strict mode needs it critical)")
	}
	if crit, ok := extension(cert, oidNameConstraints); !ok || !crit {
		t.Error("nameConstraints missing or not critical")
	}
	if cert.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
		t.Errorf("KeyUsage = %v, want CertSign|CRLSign", cert.KeyUsage)
	}
	// Windows honours an EKU on a root: serverAuth and clientAuth only.
	if want := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}; !slices.Equal(cert.ExtKeyUsage, want) {
		t.Errorf("ExtKeyUsage = %v, want %v", cert.ExtKeyUsage, want)
	}
	// RFC 7093 §2 method 1, worked out here without subjectKeyID: the
	// subjectPublicKey BIT STRING of a P-256 key is its uncompressed point.
	if point, err := k.Bytes(); err != nil {
		t.Errorf("encode CA public key: %v", err)
	} else if sum := sha256.Sum256(point); !bytes.Equal(cert.SubjectKeyId, sum[:20]) {
		t.Errorf("SubjectKeyId = %x, want %x", cert.SubjectKeyId, sum[:20])
	}
	if got := cert.Subject; got.CommonName != "rtdev CA dev@devbox" || strings.Join(got.Organization, "") != "rtdev development CA" || strings.Join(got.OrganizationalUnit, "") != "dev@devbox" {
		t.Errorf("Subject = %v", got)
	}
	if !cert.NotBefore.Equal(testNow.Add(-clockSkew)) || !cert.NotAfter.Equal(cert.NotBefore.AddDate(10, 0, 0)) {
		t.Errorf("validity %s .. %s, want 10 years from an hour before now", cert.NotBefore, cert.NotAfter)
	}
	if cert.SerialNumber.Sign() <= 0 || cert.SerialNumber.BitLen() > 128 {
		t.Errorf("serial %s is not a positive 128-bit number", cert.SerialNumber)
	}
	if err := cert.CheckSignatureFrom(cert); err != nil {
		t.Errorf("CA is not self-signed: %v", err)
	}
	sum := sha256.Sum256(cert.Raw)
	if c.Fingerprint() != hex.EncodeToString(sum[:]) {
		t.Errorf("Fingerprint = %s", c.Fingerprint())
	}
	if want := "rtdev development CA " + c.Fingerprint()[:16]; c.UniqueName() != want {
		t.Errorf("UniqueName = %q, want %q", c.UniqueName(), want)
	}
}

func TestCreateUnconstrainedHasNoNameConstraints(t *testing.T) {
	c := newCA(t, CreateOptions{Unconstrained: true})
	if _, ok := extension(c.Cert, oidNameConstraints); ok {
		t.Fatal("an unconstrained CA carries a nameConstraints extension")
	}
}

func TestCreateFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	// A folder that already exists with a wide mode is tightened.
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]fs.FileMode{
		dir:                              0o700 | fs.ModeDir,
		filepath.Join(dir, CertFileName): 0o644,
		filepath.Join(dir, KeyFileName):  0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
	key, _ := os.ReadFile(filepath.Join(dir, KeyFileName))
	if !isPKCS8PEM(key) {
		t.Errorf("CA key is not PKCS#8 PEM: %.40q", key)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); n != CertFileName && n != KeyFileName && n != fsutil.LockFileName && n != WideningsFileName {
			t.Errorf("stray file %s in the CA folder", n)
		}
	}
}

func TestCreateNeverOverwrites(t *testing.T) {
	c := newCA(t, CreateOptions{})
	before := readAll(t, c.Dir)
	_, err := Create(c.Dir, CreateOptions{})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("second Create = %v, want ErrExists", err)
	}
	if after := readAll(t, c.Dir); after != before {
		t.Fatal("second Create changed the CA files")
	}

	// A stray key alone (an interrupted Create) is not overwritten either.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, KeyFileName), []byte("precious"), 0o600)
	if _, err := Create(dir, CreateOptions{}); !errors.Is(err, ErrExists) {
		t.Fatalf("Create over a lone key = %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, KeyFileName)); string(b) != "precious" {
		t.Fatal("Create replaced a lone key")
	}
}

func readAll(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, n := range []string{CertFileName, KeyFileName} {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

func TestCreateRejectsBadOptions(t *testing.T) {
	flag := func(h string) CreateOptions { return CreateOptions{Hosts: []HostRequest{{h, OriginFlag}}} }
	tests := map[string]struct {
		o    CreateOptions
		want string
	}{
		"email as a host":  {flag("dev@corp.example"), "a CA permits DNS names and IP addresses"},
		"invalid host":     {flag("256.1.1.1"), `invalid name "256.1.1.1"`},
		"wildcard too top": {flag("*.com"), "wildcard on a top-level name"},
		"public suffix":    {flag("co.uk"), "co.uk is a public suffix"},
		"single label":     {flag("corp"), "corp is a single label"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ca")
			if _, err := Create(dir, tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Create = %v, want an error containing %q", err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !errors.Is(err, fs.ErrNotExist) {
				t.Fatal("a failed Create left a key behind")
			}
		})
	}
}

func TestCreateOddHostnameIsSkipped(t *testing.T) {
	c := newCA(t, CreateOptions{Hostname: "My_Laptop (2)"})
	for _, d := range c.Constraints().DNS {
		if strings.Contains(d, "laptop") {
			t.Fatalf("invalid hostname became constraint %q", d)
		}
	}
}

func TestLoad(t *testing.T) {
	c := newCA(t, constrainedOpts())
	got, err := Load(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fingerprint() != c.Fingerprint() || !bytes.Equal(got.CertPEM, c.CertPEM) || !keyMatches(got.Key, c.Cert.PublicKey) {
		t.Fatal("Load returned a different CA")
	}
	if k := got.Constraints(); len(k.IPRanges) != len(c.Constraints().IPRanges) || !k.Critical {
		t.Fatalf("loaded constraints differ: %+v", k)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Run("not found", func(t *testing.T) {
		_, err := Load(t.TempDir())
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("Load = %v, want ErrNotFound", err)
		}
		if _, err := LoadCert(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("LoadCert = %v, want ErrNotFound", err)
		}
	})
	t.Run("key readable by others", func(t *testing.T) {
		for _, mode := range []fs.FileMode{0o644, 0o640, 0o604} {
			c := newCA(t, CreateOptions{})
			keyPath := filepath.Join(c.Dir, KeyFileName)
			if err := os.Chmod(keyPath, mode); err != nil {
				t.Fatal(err)
			}
			_, err := Load(c.Dir)
			var kme *KeyModeError
			if !errors.As(err, &kme) || kme.Path != keyPath || kme.Mode.Perm() != mode {
				t.Fatalf("mode %o: Load = %v, want KeyModeError", mode, err)
			}
			if kme.Hint() != "chmod 600 "+keyPath {
				t.Fatalf("Hint = %q", kme.Hint())
			}
			if _, err := LoadCert(c.Dir); err != nil {
				t.Fatalf("LoadCert needs no key: %v", err)
			}
		}
	})
	t.Run("key of another CA", func(t *testing.T) {
		a, b := newCA(t, CreateOptions{}), newCA(t, CreateOptions{})
		data, _ := os.ReadFile(filepath.Join(b.Dir, KeyFileName))
		writeFile(t, filepath.Join(a.Dir, KeyFileName), data, 0o600)
		if _, err := Load(a.Dir); err == nil || !strings.Contains(err.Error(), "does not belong") {
			t.Fatalf("Load = %v, want a key mismatch error", err)
		}
	})
	t.Run("keyless", func(t *testing.T) {
		c := newCA(t, CreateOptions{})
		if err := os.Remove(filepath.Join(c.Dir, KeyFileName)); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(c.Dir); !errors.Is(err, ErrNoKey) {
			t.Fatalf("Load = %v, want ErrNoKey", err)
		}
		pub, err := LoadCert(c.Dir)
		if err != nil || pub.Key != nil || pub.Fingerprint() != c.Fingerprint() {
			t.Fatalf("LoadCert = %+v, %v", pub, err)
		}
		if _, err := pub.Issue(LeafOptions{Names: mustNames(t, "localhost")}); err == nil {
			t.Fatal("a keyless CA issued a certificate")
		}
		// LoadOrCreate must not paper over a missing key with a new CA.
		if _, _, err := LoadOrCreate(c.Dir, CreateOptions{}); !errors.Is(err, ErrNoKey) {
			t.Fatalf("LoadOrCreate = %v, want ErrNoKey", err)
		}
	})
	t.Run("not a CA", func(t *testing.T) {
		c := newCA(t, CreateOptions{})
		leaf, err := c.Issue(LeafOptions{Names: mustNames(t, "localhost")})
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(c.Dir, CertFileName), leaf.CertPEM, 0o644)
		if _, err := LoadCert(c.Dir); err == nil || !strings.Contains(err.Error(), "not a CA") {
			t.Fatalf("LoadCert = %v, want not a CA", err)
		}
	})
}

func TestLoadOrCreateConcurrentGoroutines(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	const n = 8
	var wg sync.WaitGroup
	fps := make([]string, n)
	created := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, cr, err := LoadOrCreate(dir, CreateOptions{})
			errs[i], created[i] = err, cr
			if err == nil {
				fps[i] = c.Fingerprint()
			}
		}()
	}
	wg.Wait()
	ncreated := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if fps[i] != fps[0] {
			t.Fatalf("goroutine %d got CA %s, goroutine 0 got %s", i, fps[i], fps[0])
		}
		if created[i] {
			ncreated++
		}
	}
	if ncreated != 1 {
		t.Fatalf("%d goroutines report creating the CA, want 1", ncreated)
	}
}

func TestLoadOrCreateAcrossProcesses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	const n = 4
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	for i := range n {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^$")
		cmds[i].Env = append(os.Environ(), helperDirEnv+"="+dir)
		outs[i] = new(bytes.Buffer)
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	ncreated := 0
	var fp string
	for i := range n {
		if err := cmds[i].Wait(); err != nil {
			t.Fatalf("process %d: %v: %s", i, err, outs[i])
		}
		created, got, ok := strings.Cut(strings.TrimSpace(outs[i].String()), " ")
		if !ok {
			t.Fatalf("process %d printed %q", i, outs[i])
		}
		if created == "true" {
			ncreated++
		}
		if fp == "" {
			fp = got
		} else if got != fp {
			t.Fatalf("process %d got CA %s, another got %s", i, got, fp)
		}
	}
	if ncreated != 1 {
		t.Fatalf("%d processes report creating the CA, want 1", ncreated)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatalf("Load after the race: %v", err)
	}
	if c.Fingerprint() != fp {
		t.Fatalf("Load after the race: fingerprint %s, processes saw %s", c.Fingerprint(), fp)
	}
}
