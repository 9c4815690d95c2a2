package harness

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Env is where the servers run: one scratch folder holding the rtdev CA,
// a project with its certificate set, a HOME, and the server logs.
type Env struct {
	Dir             string   // scratch folder, owned by the caller
	RtdevBin        string   // the rtdev binary under test
	RtdevStdJSONBin string   // rtdev built with -tags rtdev_stdjson, for the rtdev-stdjson kind
	RtdevArgs       []string // extra `rtdev serve` flags
	FloorBin        string   // the floor server binary (bench/floor)
	PeerJSDir       string   // bench/peerjs-server, after npm ci
	DevprofBin      string   // bench/devprof, for the rtdev-pprof kind
	ProfilePeers    int      // rtdev-pprof writes its heap profile at this many peers (0: at exit)
	Node            string   // node binary; default "node" from PATH
	CPUs            []int    // cores the servers are pinned to (taskset); nil: no pinning
	RedisBin        string   // redis-server for the rtdev-cluster kind; default: from PATH

	certs Certs
	pool  *x509.CertPool
}

// Certs is the certificate set every server uses.
type Certs struct {
	Cert, Key, CA string // PEM files
}

// MissingError is a tool or package the benchmark needs and did not find.
type MissingError struct {
	What string
	Fix  string
	Err  error
}

func (e *MissingError) Error() string { return e.What + " is missing: " + e.Err.Error() }
func (e *MissingError) Unwrap() error { return e.Err }

// Hint is the command that installs what is missing.
func (e *MissingError) Hint() string { return e.Fix }

func (e *Env) projectDir() string { return filepath.Join(e.Dir, "project") }

func (e *Env) node() string {
	if e.Node == "" {
		return "node"
	}
	return e.Node
}

// rtdevEnv seals rtdev off from this machine: its own CA folder and HOME,
// and no trust store is ever written.
func (e *Env) rtdevEnv() []string {
	return []string{
		"HOME=" + filepath.Join(e.Dir, "home"),
		"XDG_DATA_HOME=" + filepath.Join(e.Dir, "home", ".local", "share"),
		"RTDEV_CAROOT=" + filepath.Join(e.Dir, "caroot"),
		"RTDEV_TRUST_STORES=none",
		"NO_COLOR=1",
	}
}

// Prepare creates the CA and the project certificate set with
// `rtdev init --no-trust --yes`; peerjs-server and the floor server are
// given the same cert.pem and key.pem.
func (e *Env) Prepare(ctx context.Context) (Certs, error) {
	for _, d := range []string{e.projectDir(), filepath.Join(e.Dir, "home"), filepath.Join(e.Dir, "caroot")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return Certs{}, fmt.Errorf("prepare: %w", err)
		}
	}
	cmd := exec.CommandContext(ctx, e.RtdevBin, "init", "--no-trust", "--yes")
	cmd.Dir = e.projectDir()
	cmd.Env = append(os.Environ(), e.rtdevEnv()...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return Certs{}, fmt.Errorf("rtdev init: %w: %s", err, strings.TrimSpace(string(out)))
	}
	rt := filepath.Join(e.projectDir(), ".rtdev")
	c := Certs{Cert: filepath.Join(rt, "cert.pem"), Key: filepath.Join(rt, "key.pem"), CA: filepath.Join(rt, "ca.pem")}
	pool, err := loadPool(c.CA)
	if err != nil {
		return Certs{}, fmt.Errorf("prepare: %w", err)
	}
	e.certs, e.pool = c, pool
	return c, nil
}

// Versions names what is being compared: rtdev's version line, the peer
// package and node versions, and the WebSocket libraries.
func (e *Env) Versions(ctx context.Context) map[string]string {
	v := map[string]string{}
	if out, err := exec.CommandContext(ctx, e.RtdevBin, "version").Output(); err == nil {
		v["rtdev"] = firstLine(out)
	}
	if out, err := exec.CommandContext(ctx, e.node(), "--version").Output(); err == nil {
		v["node"] = firstLine(out)
	}
	for _, pkg := range []string{"peer", "ws"} {
		b, err := os.ReadFile(filepath.Join(e.PeerJSDir, "node_modules", pkg, "package.json"))
		if err != nil {
			continue
		}
		var m struct{ Version string }
		if json.Unmarshal(b, &m) == nil {
			v["npm "+pkg] = m.Version
		}
	}
	return v
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}
