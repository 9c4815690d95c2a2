package doctor

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/project"
)

// projectProbeOptions trusts p's CA, as a machine after rtdev trust
// install does, and knows p's certificate set.
func projectProbeOptions(p testProject) ProbeOptions {
	o := testProbeOptions(p.res.CA.Cert)
	o.RTDevCA = p.res.CA.Cert
	lay := p.opts.Layout
	o.Project = &ProjectCert{Cert: p.res.Leaf.Cert, CertFile: lay.Cert, KeyFile: lay.Key}
	return o
}

// A server started with another rtdev certificate (`rtdev cert localhost`)
// asked for by 127.0.0.1: the project's certificate covers 127.0.0.1, so
// the fix is to serve it, not rtdev init --host (which would change nothing
// and write the host into the committed rtdev.toml). Applying the fix
// (restarting the server with the files it names) makes doctor content.
func TestProbeOtherCertFixServesProjectFiles(t *testing.T) {
	p := newProject(t, fakeSystem{hostname: "devbox"}, project.Defaults())
	other := issue(t, p.res.CA, "localhost") // what `rtdev cert localhost` makes
	ln := listen(t, "127.0.0.1:0")
	addr := ln.Addr().String()
	srv := startTLS(t, ln, tlsCert(other.Key, other.Cert))
	o := projectProbeOptions(p)

	f := mustFind(t, Probe(t.Context(), "https://"+addr+"/", o), IDCertNameMismatch)
	certFile, _ := f.Details["cert_file"].(string)
	keyFile, _ := f.Details["key_file"].(string)
	if certFile != p.opts.Layout.Cert || keyFile != p.opts.Layout.Key {
		t.Fatalf("details name %q and %q, want the project's files; finding %+v", certFile, keyFile, f)
	}
	if !strings.Contains(f.Fix, certFile) || !strings.Contains(f.Fix, keyFile) || strings.Contains(f.Fix, "--host") {
		t.Errorf("fix %q: want the project's files and no --host", f.Fix)
	}

	// Apply the fix: the same port, the files the fix names.
	srv.Close()
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	startTLS(t, listen(t, addr), pair)
	fs := Probe(t.Context(), "https://"+addr+"/", o)
	if got := problems(fs); len(got) != 0 {
		t.Fatalf("after serving %s: %v", certFile, describe(fs))
	}
	mustFind(t, fs, IDCertOK)
}

// --host stays the fix when no rtdev certificate covers the name: the
// server presents an rtdev certificate and the project's lacks the host
// too.
func TestProbeNameMismatchHostFixOnlyWhenNoneCovers(t *testing.T) {
	p := newProject(t, fakeSystem{hostname: "devbox"}, project.Defaults())
	addr := serveTLS(t, listen(t, "127.0.0.2:0"), tlsCert(p.res.Leaf.Key, p.res.Leaf.Cert))
	f := mustFind(t, Probe(t.Context(), "https://"+addr+"/", projectProbeOptions(p)), IDCertNameMismatch)
	if f.Fix != "rtdev init --host 127.0.0.2" {
		t.Errorf("fix %q", f.Fix)
	}
}
