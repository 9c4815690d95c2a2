//go:build linux

package bridges

import (
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/e2e/internal/netns"
)

// TestServeContainers: rtdev serve --containers on this machine; then a
// container network comes up (a bridge with no network card, a container
// namespace on it), as docker compose up makes one. The container reaches
// https://host.docker.internal:PORT/rtdev/health, the name resolving to
// the bridge's address as host-gateway does, trusting only the rtdev CA.
// A device on a Wi-Fi link (a plain veth, not a bridge) reaches serve
// neither at its own link's address nor at the bridge's through a route.
func TestServeContainers(t *testing.T) {
	ip := netns.Require(t)
	sb := harness.NewSandbox(t)
	sb.Init("--no-trust")
	port := harness.FreePort(t)
	serve := sb.Serve(port, "--containers")
	if out := serve.Output.String(); !strings.Contains(out, "https://host.docker.internal:"+strconv.Itoa(port)) {
		t.Errorf("the banner does not name host.docker.internal:\n%s", out)
	}

	ctr := netns.NewDevice(t) // the container network, made after serve started
	client := netns.HTTPClient(ctr.NS, sb.CAPool(), "host.docker.internal", 5*time.Second)
	url := fmt.Sprintf("https://%s/rtdev/health", net.JoinHostPort(ctr.HostIP, strconv.Itoa(port)))
	var lastErr error
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := client.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		lastErr = err
		if time.Now().After(deadline) {
			t.Fatalf("the container never reached serve as host.docker.internal (%s): %v\n%s", url, lastErr, serve.Output.String())
		}
		time.Sleep(200 * time.Millisecond)
	}

	// The Wi-Fi: a veth pair to a namespace of its own, with a route to
	// the container network through this machine.
	tag := netns.Tag()
	wifi := netns.Name(tag, "wifi")
	netns.Add(t, ip, wifi)
	hostEnd, devEnd := "vethwf"+tag, "wf"+tag
	netns.Run(t, ip, "link", "add", hostEnd, "type", "veth", "peer", "name", devEnd, "netns", wifi)
	t.Cleanup(func() { _ = runQuiet(ip, "link", "del", hostEnd) })
	wifiNet := netns.FreeNet(t, ip)
	netns.Run(t, ip, "addr", "add", wifiNet+".1/24", "dev", hostEnd)
	netns.Run(t, ip, "link", "set", hostEnd, "up")
	netns.Run(t, ip, "-n", wifi, "addr", "add", wifiNet+".2/24", "dev", devEnd)
	netns.Run(t, ip, "-n", wifi, "link", "set", devEnd, "up")
	netns.Run(t, ip, "-n", wifi, "route", "add", ctr.HostIP+"/32", "via", wifiNet+".1")
	for _, host := range []string{wifiNet + ".1", ctr.HostIP} {
		addr := net.JoinHostPort(host, strconv.Itoa(port))
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		c, err := netns.Dial(ctx, wifi, "tcp", addr)
		cancel()
		if err != nil {
			continue // refused: nothing listens there for the Wi-Fi
		}
		// Accepted by the kernel: serve must close it unanswered.
		_ = c.SetDeadline(time.Now().Add(3 * time.Second))
		_, _ = c.Write([]byte("GET /rtdev/health HTTP/1.0\r\n\r\n"))
		b := make([]byte, 64)
		n, _ := c.Read(b)
		_ = c.Close()
		if n > 0 {
			t.Errorf("a device on the Wi-Fi got an answer from %s: %q", addr, b[:n])
		}
	}
	// serve logs the refusal as it closes the connection, which the Wi-Fi
	// side may see first.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(serve.Output.String(), "refused a connection from outside the container network"); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("serve did not refuse the Wi-Fi's connection to the bridge address:\n%s", serve.Output.String())
			break
		}
	}
}

func runQuiet(name string, args ...string) error { return exec.Command(name, args...).Run() }
