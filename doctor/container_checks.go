package doctor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/project"
)

const (
	hostDockerInternal  = "host.docker.internal"
	containerServeCheck = "/rtdev/health"
)

// ContainerOptions is what CheckContainer looks at.
type ContainerOptions struct {
	Layout project.Layout
	// Kind says what the container is ("a dev container"), for messages.
	Kind string
	// Port is rtdev serve's port on the host.
	Port int
	// Getenv reads the trust variables; nil is os.Getenv.
	Getenv func(string) string
	// Resolve looks a name up; nil is the system resolver.
	Resolve func(ctx context.Context, host string) ([]string, error)
	// SystemRoots are the roots this process's TLS clients use (OpenSSL,
	// curl, Python and Go read the same file); nil is x509.SystemCertPool.
	SystemRoots *x509.CertPool
	Timeout     time.Duration
	Now         time.Time
}

// CheckContainer checks, from inside a container, what rtdev init there
// relies on: the host's certificate set, that this container's processes
// trust its CA, and that rtdev serve on the host answers at
// host.docker.internal with that set.
func CheckContainer(ctx context.Context, o ContainerOptions) []Finding {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultProbeTimeout
	}
	res, err := project.EnsureBorrowed(o.Layout, o.Now)
	if err != nil {
		return []Finding{{ID: IDContainerSet, Severity: SeverityError, Subject: o.Layout.Dir,
			Message: fmt.Sprintf("inside %s: %v", o.Kind, err),
			Fix:     "on the host, in the project folder this container mounts: rtdev init"}}
	}
	out := []Finding{{ID: IDContainerSet, Severity: SeverityOK, Subject: o.Layout.Dir,
		Message: fmt.Sprintf("inside %s: the host's certificate set, valid until %s", o.Kind, date(res.Leaf.Cert.NotAfter))}}
	if res.Reason != "" {
		out[0].Severity, out[0].Message = SeverityWarn, out[0].Message+", is due for renewal ("+res.Reason+")"
		out[0].Fix = "on the host, in the project folder this container mounts: rtdev init"
	}
	out = append(out, containerTrust(o, res)...)
	return append(out, containerServe(ctx, o, res.CA)...)
}

// containerTrust says whether the system store (OpenSSL, curl, Python, Go)
// and Node trust the CA in this container.
func containerTrust(o ContainerOptions, res *project.EnsureResult) []Finding {
	roots := o.SystemRoots
	if roots == nil {
		var err error
		if roots, err = x509.SystemCertPool(); err != nil {
			roots = x509.NewCertPool()
		}
	}
	_, sysErr := res.Leaf.Cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: o.Now})
	nodeFile := o.Getenv("NODE_EXTRA_CA_CERTS")
	nodeOK := nodeFile != "" && fileHoldsCert(nodeFile, res.CA.Cert)
	var out []Finding
	if sysErr != nil {
		out = append(out, Finding{ID: IDContainerTrust, Severity: SeverityWarn, Subject: "system store",
			Message: "this container's OpenSSL, curl, Python and Go do not trust the rtdev CA",
			Fix:     "use the compose override (rtdev snippet compose --write on the host) or the devcontainer Feature (rtdev snippet devcontainer --write), or in this shell: eval \"$(rtdev env)\""})
	} else {
		out = append(out, Finding{ID: IDContainerTrust, Severity: SeverityOK, Subject: "system store",
			Message: "this container's OpenSSL, curl, Python and Go trust the rtdev CA"})
	}
	if !nodeOK {
		out = append(out, Finding{ID: IDContainerTrust, Severity: SeverityWarn, Subject: "NODE_EXTRA_CA_CERTS",
			Message: "Node in this container does not trust the rtdev CA (it reads only its own roots and NODE_EXTRA_CA_CERTS)",
			Fix:     "set NODE_EXTRA_CA_CERTS to the CA file the container has (the compose override and the Feature set it), or in this shell: eval \"$(rtdev env)\"",
			Details: map[string]any{"node_extra_ca_certs": nodeFile}})
	} else {
		out = append(out, Finding{ID: IDContainerTrust, Severity: SeverityOK, Subject: "NODE_EXTRA_CA_CERTS",
			Message: "Node in this container trusts the rtdev CA (" + nodeFile + ")"})
	}
	return out
}

// fileHoldsCert reports whether the PEM file at path holds c.
func fileHoldsCert(path string, c *x509.Certificate) bool {
	data, err := readBounded(path, maxBundleBytes)
	if err != nil {
		return false
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return false
	}
	_, err = c.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: c.NotBefore.Add(time.Minute)})
	return err == nil
}

// maxBundleBytes bounds a CA file read for the trust check: a full
// system bundle is about 200 KiB.
const maxBundleBytes = 8 << 20

func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// containerServe fetches rtdev serve's health page from the host as a
// container does: at host.docker.internal, trusting the rtdev CA alone.
func containerServe(ctx context.Context, o ContainerOptions, authority *ca.CA) []Finding {
	resolve := o.Resolve
	if resolve == nil {
		resolve = net.DefaultResolver.LookupHost
	}
	subject := "https://" + net.JoinHostPort(hostDockerInternal, strconv.Itoa(o.Port))
	rctx, cancel := context.WithTimeout(ctx, o.Timeout)
	addrs, err := resolve(rctx, hostDockerInternal)
	cancel()
	if err != nil || len(addrs) == 0 {
		return []Finding{{ID: IDContainerNoName, Severity: SeverityError, Subject: hostDockerInternal,
			Message: "host.docker.internal does not resolve in this container, so nothing in it reaches rtdev serve on the host",
			Fix:     "give the service extra_hosts: [\"host.docker.internal:host-gateway\"] (rtdev snippet compose --write adds it; a dev container: runArgs [\"--add-host=host.docker.internal:host-gateway\"])"}}
	}
	pool := x509.NewCertPool()
	pool.AddCert(authority.Cert)
	dialer := &net.Dialer{Timeout: o.Timeout}
	client := &http.Client{
		Timeout: o.Timeout,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, net.JoinHostPort(addrs[0], strconv.Itoa(o.Port)))
			},
			TLSClientConfig:   &tls.Config{RootCAs: pool, ServerName: hostDockerInternal},
			DisableKeepAlives: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	res, err := client.Get(subject + containerServeCheck)
	if err == nil {
		_ = res.Body.Close()
		if res.StatusCode == http.StatusOK {
			return []Finding{{ID: IDContainerServe, Severity: SeverityOK, Subject: subject,
				Message: "rtdev serve on the host answers at " + subject + " with the project certificate"}}
		}
		err = fmt.Errorf("%s answered %s", containerServeCheck, res.Status)
	}
	f := Finding{ID: IDContainerServe, Severity: SeverityError, Subject: subject, Details: map[string]any{"address": addrs[0], "error": err.Error()}}
	var ue x509.UnknownAuthorityError
	var he x509.HostnameError
	switch {
	case errors.As(err, &ue):
		f.Message = subject + " is served with a certificate from another CA than this project's"
		f.Fix = "on the host, stop that server and run: rtdev serve --containers"
	case errors.As(err, &he):
		f.Message = "the project certificate does not cover host.docker.internal"
		f.Fix = "on the host, in the project folder this container mounts: rtdev init"
	default:
		f.Message = fmt.Sprintf("rtdev serve on the host does not answer at %s (%s): serve listens on loopback unless it also serves the container networks", subject, addrs[0])
		f.Fix = "on the host: rtdev serve --containers"
	}
	return []Finding{f}
}
