package harness

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Kind names a server under test.
type Kind string

// The servers the benchmark compares, and rtdev's server under pprof.
const (
	Rtdev      Kind = "rtdev"
	PeerJS     Kind = "peerjs-server"
	Floor      Kind = "floor"
	RtdevPprof Kind = "rtdev-pprof" // bench/devprof: devserver as rtdev serve runs it, profiled
	// RtdevCluster is ClusterInstances rtdev serve --cluster processes and
	// their redis-server (cluster.go): the relay load is split so that
	// every message crosses instances.
	RtdevCluster Kind = "rtdev-cluster"
	// RtdevStdJSON is rtdev serve built with -tags rtdev_stdjson, whose
	// frame decoder is encoding/json rather than the hand-written scanner:
	// the pair measures what the scanner buys the relay.
	RtdevStdJSON Kind = "rtdev-stdjson"
)

// Kinds lists the compared servers in table order.
var Kinds = []Kind{Rtdev, PeerJS, Floor, RtdevCluster}

// ParseKind accepts a Kind's name.
func ParseKind(s string) (Kind, error) {
	for _, k := range append(Kinds, RtdevStdJSON, RtdevPprof) {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown server %q (want one of rtdev, peerjs-server, floor, rtdev-cluster, rtdev-stdjson, rtdev-pprof)", s)
}

// ServerName is the TLS name every client uses: the rtdev project cert
// lists localhost, and the servers listen on 127.0.0.1 only.
const ServerName = "localhost"

// Server is one running server process.
type Server struct {
	Kind Kind
	Addr string // 127.0.0.1:PORT
	Log  string // its stdout and stderr

	cmd  *exec.Cmd
	done chan struct{}
	err  error // from Wait, valid once done is closed
}

// Pid is the server's process id (taskset execs it, so the id is the
// server's own).
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Usage reads the server's CPU time and memory from /proc.
func (s *Server) Usage() (Usage, error) { return ReadUsage(s.Pid()) }

// Exited reports whether the process has ended, and how.
func (s *Server) Exited() (bool, error) {
	select {
	case <-s.done:
		return true, s.err
	default:
		return false, nil
	}
}

// Stop asks the server to end (SIGTERM, which every server handles with a
// graceful shutdown) and kills it if it has not ended after grace.
func (s *Server) Stop(grace time.Duration) error {
	if exited, err := s.Exited(); exited {
		return fmt.Errorf("%s exited before it was stopped: %w (see %s)", s.Kind, err, s.Log)
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return nil
	case <-time.After(grace):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("%s did not stop within %v after SIGTERM; killed it", s.Kind, grace)
	}
}

// Start starts a server of kind on a free loopback port and waits until it
// answers GET / over TLS with the project CA.
func (e *Env) Start(ctx context.Context, kind Kind, seq int) (*Server, error) {
	return e.start(ctx, kind, fmt.Sprintf("%s-%03d", kind, seq), seq)
}

// start is Start with the log file's name and extra arguments.
func (e *Env) start(ctx context.Context, kind Kind, logName string, seq int, extra ...string) (*Server, error) {
	if e.certs == (Certs{}) {
		return nil, errors.New("start server: call Prepare first")
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	name, args, dir, env, err := e.command(kind, port, seq)
	if err != nil {
		return nil, err
	}
	s, err := e.launch(kind, logName, port, name, append(args, extra...), dir, env)
	if err != nil {
		return nil, err
	}
	return await(ctx, s, e.HTTPClient(s.Addr), "https://"+ServerName+"/")
}

// launch starts name on port, pinned to the server cores, with its output
// in the log logName.log.
func (e *Env) launch(kind Kind, logName string, port int, name string, args []string, dir string, env []string) (*Server, error) {
	if pin := e.pin(); pin != nil {
		args = append(append(pin[1:], name), args...)
		name = pin[0]
	}
	logPath := filepath.Join(e.Dir, "logs", logName+".log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, fmt.Errorf("start %s: %w", kind, err)
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", kind, err)
	}
	defer logf.Close() // the child has its own descriptor
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", kind, err)
	}
	s := &Server{Kind: kind, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() { s.err = cmd.Wait(); close(s.done) }()
	return s, nil
}

// await waits until s answers GET url through client, and stops it if it
// does not.
func await(ctx context.Context, s *Server, client *http.Client, url string) (*Server, error) {
	defer client.CloseIdleConnections()
	if err := waitReady(ctx, s, client, url); err != nil {
		_ = s.Stop(2 * time.Second)
		return nil, err
	}
	return s, nil
}

// command is how each kind is run; all get the same certificate, loopback
// only, room for 20k peers and an alive timeout longer than any scenario
// (the load generator still sends HEARTBEAT every 5 s as the client does).
func (e *Env) command(kind Kind, port, seq int) (name string, args []string, dir string, env []string, err error) {
	p := strconv.Itoa(port)
	env = os.Environ()
	switch kind {
	case Rtdev, RtdevStdJSON:
		env = append(env, e.rtdevEnv()...)
		args = append([]string{"serve", "--port", p, "--bind", "127.0.0.1",
			"--concurrent-limit", "20000", "--alive-timeout", "120s"}, e.RtdevArgs...)
		bin := e.RtdevBin
		if kind == RtdevStdJSON {
			if _, err := os.Stat(e.RtdevStdJSONBin); err != nil {
				return "", nil, "", nil, &MissingError{What: "rtdev built with -tags rtdev_stdjson", Err: err,
					Fix: "go build -tags rtdev_stdjson -o " + e.RtdevStdJSONBin + " ."}
			}
			bin = e.RtdevStdJSONBin
		}
		return bin, args, e.projectDir(), env, nil
	case PeerJS:
		bin := filepath.Join(e.PeerJSDir, "node_modules", "peer", "dist", "bin", "peerjs.js")
		if _, err := os.Stat(bin); err != nil {
			return "", nil, "", nil, &MissingError{What: "peerjs-server (npm package peer)", Err: err,
				Fix: "cd " + e.PeerJSDir + " && npm ci"}
		}
		args = []string{bin, "--port", p, "--host", "127.0.0.1", "--path", "/",
			"--sslkey", e.certs.Key, "--sslcert", e.certs.Cert,
			"--concurrent_limit", "20000", "--alive_timeout", "120000"}
		return e.node(), args, e.PeerJSDir, env, nil
	case Floor:
		return e.FloorBin, []string{"--port", p, "--cert", e.certs.Cert, "--key", e.certs.Key}, e.Dir, env, nil
	case RtdevPprof:
		prof := filepath.Join(e.Dir, "logs", fmt.Sprintf("%s-%03d", kind, seq))
		return e.DevprofBin, []string{"--port", p, "--cert", e.certs.Cert, "--key", e.certs.Key,
			"--cpuprofile", prof + ".cpu.pprof", "--memprofile", prof + ".heap.pprof",
			"--memprofile-peers", strconv.Itoa(e.ProfilePeers)}, e.Dir, env, nil
	}
	return "", nil, "", nil, fmt.Errorf("start server: unknown kind %q", kind)
}

// waitReady polls GET url until it answers 200.
func waitReady(ctx context.Context, s *Server, client *http.Client, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		if exited, err := s.Exited(); exited {
			return fmt.Errorf("%s exited during start-up: %v (see %s)", s.Kind, err, s.Log)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET / answered %s", resp.Status)
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not answer on %s within 30s: %v (see %s)", s.Kind, s.Addr, last, s.Log)
}

// HTTPClient is an HTTPS client for the server at addr that trusts the
// project CA and sends SNI localhost whatever URL host it is given.
func (e *Env) HTTPClient(addr string) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: e.TLSConfig(),
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return d.DialContext(ctx, "tcp", addr)
			},
			ForceAttemptHTTP2: false,
		},
	}
}

// TLSConfig trusts only the project CA.
func (e *Env) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: e.pool, ServerName: ServerName, MinVersion: tls.VersionTLS12}
}

// FreePort asks the kernel for an unused loopback port.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// pin is the command that runs a server on the server cores, or nil.
func (e *Env) pin() []string {
	if len(e.CPUs) == 0 {
		return nil
	}
	return []string{"taskset", "-c", cpuList(e.CPUs)}
}

func cpuList(cpus []int) string {
	s := make([]string, len(cpus))
	for i, c := range cpus {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, ",")
}

// loadPool reads a PEM file into a fresh pool.
func loadPool(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("read CA: no certificate in %s", path)
	}
	return pool, nil
}
