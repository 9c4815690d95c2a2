package doctor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rtdev/rtdev/project"
)

// TestCheckContainer runs doctor's container checks against a real TLS
// server holding the project certificate, on loopback standing for the
// host's bridge address: each failure gives its fix, and after the fix
// (the name resolving as host-gateway makes it, serve started, Node given
// the CA) the same check passes.
func TestCheckContainer(t *testing.T) {
	root := t.TempDir()
	lay := project.NewLayout(root)
	caDir := filepath.Join(t.TempDir(), "ca")
	// The host's rtdev init; host.docker.internal is typed, so the test
	// holds whatever the default host list is.
	if _, err := project.Ensure(project.EnsureOptions{Layout: lay, Config: project.Defaults(), CADir: caDir,
		System: fakeSystem{hostname: "devbox"}, FlagHosts: []string{"host.docker.internal"}, Owner: "dev@devbox"}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close() // nothing listens yet: serve is not started

	env := map[string]string{}
	resolves := false
	o := ContainerOptions{
		Layout: lay, Kind: "a dev container", Port: port, Timeout: testTimeout,
		Getenv: func(k string) string { return env[k] },
		Resolve: func(ctx context.Context, host string) ([]string, error) {
			if !resolves || host != "host.docker.internal" {
				return nil, errors.New("no such host")
			}
			return []string{"127.0.0.1"}, nil
		},
	}
	byID := func(fs []Finding, id, subject string) Finding {
		t.Helper()
		for _, f := range fs {
			if f.ID == id && (subject == "" || f.Subject == subject) {
				return f
			}
		}
		t.Fatalf("no %s finding in %+v", id, fs)
		return Finding{}
	}

	fs := CheckContainer(t.Context(), o)
	if f := byID(fs, IDContainerSet, ""); f.Severity != SeverityOK {
		t.Errorf("the host's set: %+v", f)
	}
	if f := byID(fs, IDContainerNoName, ""); f.Severity != SeverityError || f.Fix == "" {
		t.Errorf("host.docker.internal not resolving: %+v", f)
	}
	if f := byID(fs, IDContainerTrust, "NODE_EXTRA_CA_CERTS"); f.Severity != SeverityWarn {
		t.Errorf("Node without NODE_EXTRA_CA_CERTS: %+v", f)
	}

	// The fix: extra_hosts host-gateway. serve is still not running.
	resolves = true
	fs = CheckContainer(t.Context(), o)
	f := byID(fs, IDContainerServe, "")
	if f.Severity != SeverityError || f.Fix != "on the host: rtdev serve --containers" {
		t.Errorf("nothing at host.docker.internal:%d: %+v", port, f)
	}

	// The fix: serve with the project's certificate; and Node given the CA.
	cert, err := tls.LoadX509KeyPair(lay.Cert, lay.Key)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/rtdev/health" {
			_, _ = w.Write([]byte(`{"ok":true}`))
			return
		}
		http.NotFound(w, r)
	}), TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}, ReadHeaderTimeout: time.Second}
	ln, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	t.Cleanup(func() { _ = srv.Close() })
	env["NODE_EXTRA_CA_CERTS"] = lay.CA
	fs = CheckContainer(t.Context(), o)
	for _, f := range fs {
		if f.Severity.Problem() && f.Subject != "system store" {
			t.Errorf("after the fixes: %+v", f)
		}
	}
	if f := byID(fs, IDContainerServe, ""); f.Severity != SeverityOK {
		t.Errorf("serve at host.docker.internal: %+v", f)
	}
	// The system store with the CA in it, as the Feature or the adapter
	// leave it.
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(mustRead(t, lay.CA))
	o.SystemRoots = roots
	for _, f := range CheckContainer(t.Context(), o) {
		if f.Severity.Problem() {
			t.Errorf("with the CA in the system store: %+v", f)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCheckContainerWithoutSet: no set from the host is one error naming
// rtdev init on the host.
func TestCheckContainerWithoutSet(t *testing.T) {
	fs := CheckContainer(t.Context(), ContainerOptions{Layout: project.NewLayout(t.TempDir()), Kind: "a Docker container", Port: 9, Timeout: testTimeout})
	if len(fs) != 1 || fs[0].ID != IDContainerSet || fs[0].Severity != SeverityError || fs[0].Fix != "on the host, in the project folder this container mounts: rtdev init" {
		t.Errorf("findings %+v", fs)
	}
}
