package doctor

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/ca"
)

func TestCheckCA(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name    string
		prepare func(t *testing.T, dir string)
		now     time.Time
		want    string
		wantFix string
	}{
		{name: "healthy", want: IDCAOK},
		{name: "key readable by others", prepare: func(t *testing.T, dir string) { chmod(t, filepath.Join(dir, ca.KeyFileName), 0o644) },
			want: IDCAKeyReadable, wantFix: "chmod 600 "},
		{name: "keyless", prepare: func(t *testing.T, dir string) { remove(t, filepath.Join(dir, ca.KeyFileName)) }, want: IDCAKeyMissing},
		{name: "key of another CA", prepare: func(t *testing.T, dir string) {
			other := newRTDevCA(t)
			copyFile(t, filepath.Join(other.Dir, ca.KeyFileName), filepath.Join(dir, ca.KeyFileName))
		}, want: IDCAKeyInvalid},
		{name: "not a certificate", prepare: func(t *testing.T, dir string) { write(t, filepath.Join(dir, ca.CertFileName), "junk", 0o644) },
			want: IDCAInvalid},
		{name: "expiring", now: now.AddDate(10, 0, -30), want: IDCAExpiring},
		{name: "expired", now: now.AddDate(10, 1, 0), want: IDCAExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newRTDevCA(t)
			if tc.prepare != nil {
				tc.prepare(t, c.Dir)
			}
			at := tc.now
			if at.IsZero() {
				at = now
			}
			got, fs := checkCA(c.Dir, at, nil)
			f := mustFind(t, fs, tc.want)
			if !strings.HasPrefix(f.Fix, tc.wantFix) {
				t.Errorf("fix %q, want prefix %q", f.Fix, tc.wantFix)
			}
			if (got == nil) != (tc.want == IDCAInvalid) {
				t.Errorf("returned CA %v for %s", got, tc.want)
			}
			if tc.want != IDCAOK {
				mustNotFind(t, fs, IDCAOK)
			}
		})
	}
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, string(data), 0o600)
}

// TestCheckCAListsWidenings: doctor names the constraints a CA has beyond
// the built-ins, and says when it has none at all.
func TestCheckCAListsWidenings(t *testing.T) {
	c, err := ca.Create(filepath.Join(t.TempDir(), "ca"), ca.CreateOptions{Hosts: []ca.HostRequest{
		{Name: "*.app.example.com", Origin: ca.OriginConfig}, {Name: "203.0.113.7", Origin: ca.OriginFlag}}})
	if err != nil {
		t.Fatal(err)
	}
	_, fs := checkCA(c.Dir, time.Now(), nil)
	f := mustFind(t, fs, IDCAWidened)
	if !strings.Contains(f.Message, "app.example.com, 203.0.113.7/32") {
		t.Errorf("message %q does not list both widenings", f.Message)
	}
	mustFind(t, fs, IDCAOK)

	_, fs = checkCA(newRTDevCA(t).Dir, time.Now(), nil)
	mustNotFind(t, fs, IDCAWidened)

	u, err := ca.Create(filepath.Join(t.TempDir(), "ca"), ca.CreateOptions{Unconstrained: true})
	if err != nil {
		t.Fatal(err)
	}
	_, fs = checkCA(u.Dir, time.Now(), nil)
	mustFind(t, fs, IDCAUnconstrain)
}

// TestCheckCAPublicDomainForCommittedHost: a constraint on a public domain
// that a host of the committed rtdev.toml falls under is an error with the
// command for a new CA, naming who asked for it; one no committed host
// needs, or one under a private-use name, stays info.
func TestCheckCAPublicDomainForCommittedHost(t *testing.T) {
	c, err := ca.Create(filepath.Join(t.TempDir(), "ca"), ca.CreateOptions{Hosts: []ca.HostRequest{
		{Name: "google.com", Origin: ca.OriginFlag}, {Name: "app.example", Origin: ca.OriginConfig}, {Name: "mine.dev.br", Origin: ca.OriginLocal}}})
	if err != nil {
		t.Fatal(err)
	}
	_, fs := checkCA(c.Dir, time.Now(), []string{"accounts.google.com", "x.app.example"})
	f := mustFind(t, fs, IDCAWidenedPublic)
	if f.Severity != SeverityError || !strings.Contains(f.Message, "public domain google.com") || !strings.Contains(f.Message, "--host (google.com)") ||
		!strings.Contains(f.Fix, "mv ") || !strings.Contains(f.Fix, "rtdev init") {
		t.Errorf("finding %+v", f)
	}
	if n := strings.Count(fmt.Sprint(fs), string(IDCAWidenedPublic)); n != 1 {
		t.Errorf("%d public-domain findings, want only google.com's", n)
	}
	mustNotFind(t, fs, IDCAOK)

	_, fs = checkCA(c.Dir, time.Now(), []string{"x.app.example"})
	mustNotFind(t, fs, IDCAWidenedPublic)
	mustFind(t, fs, IDCAOK)

	// A CA from before the record: still an error, saying so.
	if err := os.Remove(filepath.Join(c.Dir, ca.WideningsFileName)); err != nil {
		t.Fatal(err)
	}
	_, fs = checkCA(c.Dir, time.Now(), []string{"google.com"})
	if f := mustFind(t, fs, IDCAWidenedPublic); !strings.Contains(f.Message, "kept no record") {
		t.Errorf("message %q", f.Message)
	}
}
