package harness

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"
)

// The processes of the proxy-overhead benchmark: a plain echo backend and
// `rtdev proxy` in front of it. They are not PeerJS servers, so they are
// not among Kinds.
const (
	Echo  Kind = "echo"
	Proxy Kind = "rtdev-proxy"
)

// StartEcho starts the echo backend bin (bench/echo) on a free loopback
// port, pinned like the servers, and waits until it answers GET / over
// plain HTTP.
func (e *Env) StartEcho(ctx context.Context, bin string, seq int) (*Server, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	s, err := e.launch(Echo, fmt.Sprintf("%s-%03d", Echo, seq), port, bin, []string{"--port", strconv.Itoa(port)}, e.Dir, os.Environ())
	if err != nil {
		return nil, err
	}
	return await(ctx, s, &http.Client{Timeout: 10 * time.Second}, "http://"+s.Addr+"/")
}

// StartProxy starts `rtdev proxy --to backend` on a free loopback port in
// the project Prepare made (its certificate, the sealed-off CA), pinned
// like the servers, and waits until GET https://localhost:PORT/ answers
// through it, which means the backend behind it answered too. The proxy
// runs as a user runs it: default limits and its access log (to the log
// file here), so the measured cost is the one a user pays.
func (e *Env) StartProxy(ctx context.Context, backend string, seq int) (*Server, error) {
	if e.certs == (Certs{}) {
		return nil, errors.New("start rtdev proxy: call Prepare first")
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	args := []string{"proxy", "--to", backend, "--port", strconv.Itoa(port), "--bind", "127.0.0.1"}
	s, err := e.launch(Proxy, fmt.Sprintf("%s-%03d", Proxy, seq), port, e.RtdevBin, args, e.projectDir(), append(os.Environ(), e.rtdevEnv()...))
	if err != nil {
		return nil, err
	}
	return await(ctx, s, e.HTTPClient(s.Addr), "https://"+ServerName+"/")
}
