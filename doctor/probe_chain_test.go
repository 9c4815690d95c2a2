package doctor

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/testtool"
	"github.com/rtdev/rtdev/trust"
)

// nssOnlyRoot puts root into a throwaway Chromium NSS database (real
// certutil, trusted for TLS servers as a user importing a team CA does)
// and returns what cmd passes as ProbeOptions.StoreRoots for that HOME.
func nssOnlyRoot(t *testing.T, root *x509.Certificate) func(context.Context) []trust.Root {
	t.Helper()
	certutil := testtool.Need(t, "certutil")
	home := t.TempDir()
	db := filepath.Join(home, ".pki", "nssdb")
	file := filepath.Join(t.TempDir(), "team.pem")
	if err := os.MkdirAll(db, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run.ExecRunner()
	for _, args := range [][]string{
		{"-N", "-d", "sql:" + db, "--empty-password"},
		{"-A", "-d", "sql:" + db, "-t", "C,,", "-n", "Team root", "-i", file},
	} {
		if out, err := r.Run(t.Context(), certutil, args, nil); err != nil {
			t.Fatalf("certutil %v: %v\n%s", args, err, out)
		}
	}
	env := trust.Env{GOOS: "linux", Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }, Runner: r, Root: t.TempDir()}
	return func(ctx context.Context) []trust.Root {
		roots, err := trust.NSSRoots(ctx, env)
		if err != nil {
			t.Errorf("read NSS: %v", err)
		}
		return roots
	}
}

// A team CA with an intermediate, its root trusted only in the browsers'
// NSS database. A server sending its leaf alone is told to send the full
// chain, whether the intermediate's AIA fetch succeeds or is refused; once
// it does, doctor judges the chain by the store Chromium reads and reports
// no error.
func TestProbeTeamCAMissingIntermediateThenNSSTrust(t *testing.T) {
	root, inter, leaf := aiaChain(t, "Team root", "Team intermediate")
	storeRoots := nssOnlyRoot(t, root.cert)

	for _, tc := range []struct {
		name    string
		allowed func(net.IP) bool
	}{
		{"AIA fetched", func(net.IP) bool { return true }},
		{"AIA refused", nil}, // the default rule: no fetches to loopback
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln := listen(t, "127.0.0.1:0")
			addr := ln.Addr().String()
			srv := startTLS(t, ln, tlsCert(leaf.key, leaf.cert))
			o := testProbeOptions() // the system store lacks the team CA
			o.StoreRoots = storeRoots
			o.aiaAddrAllowed = tc.allowed
			fs := Probe(t.Context(), "https://"+addr+"/", o)
			f := mustFind(t, fs, IDCertIncompleteChain)
			if !strings.Contains(f.Message, "without the intermediate Team intermediate: configure it with the full chain") ||
				!strings.Contains(f.Fix, "full chain") {
				t.Errorf("message %q, fix %q", f.Message, f.Fix)
			}
			mustNotFind(t, fs, IDCertUnknownAuthority)

			// Apply the fix: the same port, the leaf then its intermediate.
			srv.Close()
			startTLS(t, listen(t, addr), tlsCert(leaf.key, leaf.cert, inter.cert))
			fs = Probe(t.Context(), "https://"+addr+"/", o)
			if got := problems(fs); len(got) != 0 {
				t.Fatalf("after sending the full chain: %v", describe(fs))
			}
			st := mustFind(t, fs, IDCertStoreTrusted)
			if !strings.Contains(st.Message, "Team root") || st.Details["root_fingerprint"] != fingerprint(root.cert) {
				t.Errorf("store finding %+v", st)
			}
			mustFind(t, fs, IDCertOK)
		})
	}
}

// A leaf issued straight by a private root (mkcert's kind: no AIA URL)
// is not taken for a missing intermediate.
func TestProbeRootIssuedLeafIsNotMissingIntermediate(t *testing.T) {
	root := newRoot(t, "Private root")
	leaf := localhostLeaf(t, root)
	addr := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.key, leaf.cert))
	fs := Probe(t.Context(), "https://"+addr+"/", testProbeOptions())
	mustFind(t, fs, IDCertUnknownAuthority)
	mustNotFind(t, fs, IDCertIncompleteChain)

	// Trusted only in NSS, the same leaf is the browsers' business: info.
	o := testProbeOptions()
	o.StoreRoots = nssOnlyRoot(t, root.cert)
	fs = Probe(t.Context(), "https://"+addr+"/", o)
	if got := problems(fs); len(got) != 0 {
		t.Fatalf("root in NSS: %v", describe(fs))
	}
	mustFind(t, fs, IDCertStoreTrusted)
}
