package doctor

import (
	"context"
	"errors"
	"fmt"
	"github.com/rtdev/rtdev/project"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/rtdev/rtdev/templates"
)

// wsaeConnRefused is WSAECONNREFUSED: Windows reports a refused connection
// with this Winsock code, which errors.Is(err, syscall.ECONNREFUSED) does
// not match there.
const wsaeConnRefused = syscall.Errno(10061)

// connect opens a TCP connection to the target within the step timeout.
func (p *prober) connect(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: p.o.Timeout}
	return d.DialContext(ctx, "tcp", p.t.Addr())
}

// dial opens the TCP connection, or returns the finding that explains why it
// could not.
func (p *prober) dial(ctx context.Context) (net.Conn, *Finding) {
	conn, err := p.connect(ctx)
	if err == nil {
		return conn, nil
	}
	details := map[string]any{"address": p.t.Addr(), "error": err.Error()}
	var dnsErr *net.DNSError
	var errno syscall.Errno
	var f Finding
	switch {
	case errors.As(err, &dnsErr):
		f = p.finding(IDDNSFailed, SeverityError, p.t.Host+" does not resolve ("+dnsErr.Err+")", hostsFix(p.t.Host), details)
	case errors.As(err, &errno) && (errno == syscall.ECONNREFUSED || errno == wsaeConnRefused):
		usual, fix := portHint(p.t.Port)
		msg := "nothing listens on " + p.t.Addr()
		if usual != "" {
			msg += "; " + usual
			details["usual"] = usual
		}
		if ip := net.ParseIP(p.t.Host); ip != nil && !ip.IsLoopback() {
			// rtdev serve binds 127.0.0.1 unless --lan (its --bind default).
			msg += " (a server bound to 127.0.0.1 is not reachable on " + p.t.Host + ")"
		}
		f = p.finding(IDTCPRefused, SeverityError, msg, fix, details)
	case errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		f = p.finding(IDTCPTimeout, SeverityError,
			fmt.Sprintf("no answer from %s within %s: a firewall drops the packets or the address is not reachable from here", p.t.Addr(), p.o.Timeout),
			"", details)
	default:
		f = p.finding(IDTCPFailed, SeverityError, "cannot connect to "+p.t.Addr()+": "+err.Error(), "", details)
	}
	return nil, &f
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// hostsFix is the /etc/hosts line for a name that does not resolve. Chrome
// and Firefox resolve *.localhost to loopback themselves (RFC 6761 §6.3),
// but Node, curl and Python ask the system resolver.
func hostsFix(host string) string {
	if net.ParseIP(host) != nil {
		return ""
	}
	return "echo '127.0.0.1 " + host + "' | sudo tee -a /etc/hosts"
}

// portHint says what usually listens on port and how to start it.
func portHint(port string) (usual, fix string) {
	n, _ := strconv.Atoi(port)
	switch n {
	case 443:
		// peerjs defaults port to 443 whatever secure is (peers/peerjs
		// lib/peer.ts): new Peer({host: "localhost"}) ends up here.
		return "443 is where the PeerJS client connects when new Peer() gets no port option",
			"pass port: " + strconv.Itoa(project.DefaultServePort) + " (rtdev serve) to new Peer(): rtdev snippet peerjs"
	case project.DefaultServePort:
		return "rtdev serve and peerjs-server listen here by default", "rtdev serve"
	}
	names := portTargets(n)
	if len(names) == 0 {
		return "", ""
	}
	return "it is the usual port of " + strings.Join(names, ", "), "start it with TLS: rtdev snippet " + names[0]
}

// portTargets lists the snippet targets (servers and dev servers) whose
// tool listens on port n by default.
func portTargets(n int) []string {
	var names []string
	for _, t := range templates.Targets() {
		if t.DefaultPort == n && t.Kind != templates.KindClient {
			names = append(names, t.Name)
		}
	}
	slices.Sort(names)
	return names
}

// snippetFix is the command that shows how to serve port over TLS with
// the project certificate.
func snippetFix(port string) string {
	n, _ := strconv.Atoi(port)
	if n == project.DefaultServePort {
		return "rtdev serve"
	}
	if names := portTargets(n); len(names) > 0 {
		return "rtdev snippet " + names[0]
	}
	return "rtdev snippet --list"
}
