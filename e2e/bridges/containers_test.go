//go:build linux

package bridges

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/e2e/internal/netns"
)

// TestServeContainers: rtdev serve --containers on a machine played by a
// network namespace of its own (so nothing changes in the test machine's
// network, where browser tests may be running); then a container network
// comes up there, a bridge with no network card and a container namespace
// on it, as docker compose up makes one. The container reaches
// https://host.docker.internal:PORT/rtdev/health, the name resolving to
// the bridge's address as host-gateway does, trusting only the rtdev CA.
// A device on the machine's Wi-Fi (a plain veth link, not a bridge)
// reaches serve neither at the machine's Wi-Fi address nor at the
// bridge's through a route.
func TestServeContainers(t *testing.T) {
	ip := netns.Require(t)
	sb := harness.NewSandbox(t)
	sb.Init("--no-trust")
	tag := netns.Tag()
	host, ctr, wifi := netns.Name(tag, "host"), netns.Name(tag, "ctr"), netns.Name(tag, "wifi")
	for _, ns := range []string{host, ctr, wifi} {
		netns.Add(t, ip, ns)
	}
	// The machine's Wi-Fi: a veth to the device's namespace.
	wifiNet := netns.FreeNet(t, ip)
	netns.Run(t, ip, "-n", host, "link", "add", "wlan0", "type", "veth", "peer", "name", "wf0", "netns", wifi)
	netns.Run(t, ip, "-n", host, "addr", "add", wifiNet+".1/24", "dev", "wlan0")
	netns.Run(t, ip, "-n", host, "link", "set", "wlan0", "up")
	netns.Run(t, ip, "-n", wifi, "addr", "add", wifiNet+".2/24", "dev", "wf0")
	netns.Run(t, ip, "-n", wifi, "link", "set", "wf0", "up")

	port := harness.FreePort(t)
	argv := netns.In(ip, host, harness.Binary(t), "serve", "--port", strconv.Itoa(port), "--containers")
	serve := sb.Start("", argv[0], argv[1:]...)
	waitFor(t, serve, "listening  ")
	if out := serve.Output.String(); !strings.Contains(out, "https://host.docker.internal:"+strconv.Itoa(port)) {
		t.Errorf("the banner does not name host.docker.internal:\n%s", out)
	}

	// The container network, made after serve started.
	ctrNet := netns.FreeNet(t, ip)
	bridgeIP := ctrNet + ".1"
	netns.Run(t, ip, "-n", host, "link", "add", "br-rt"+tag, "type", "bridge")
	netns.Run(t, ip, "-n", host, "link", "add", "vethc0", "type", "veth", "peer", "name", "eth0", "netns", ctr)
	netns.Run(t, ip, "-n", host, "link", "set", "vethc0", "master", "br-rt"+tag)
	netns.Run(t, ip, "-n", host, "link", "set", "vethc0", "up")
	netns.Run(t, ip, "-n", host, "addr", "add", bridgeIP+"/24", "dev", "br-rt"+tag)
	netns.Run(t, ip, "-n", host, "link", "set", "br-rt"+tag, "up")
	netns.Run(t, ip, "-n", ctr, "addr", "add", ctrNet+".2/24", "dev", "eth0")
	netns.Run(t, ip, "-n", ctr, "link", "set", "eth0", "up")

	client := netns.HTTPClient(ctr, sb.CAPool(), "host.docker.internal", 5*time.Second)
	url := fmt.Sprintf("https://%s/rtdev/health", net.JoinHostPort(bridgeIP, strconv.Itoa(port)))
	var lastErr error
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
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
	}

	// The Wi-Fi device, with a route to the container network through
	// the machine.
	netns.Run(t, ip, "-n", wifi, "route", "add", ctrNet+".0/24", "via", wifiNet+".1")
	for _, addr := range []string{wifiNet + ".1", bridgeIP} {
		addr = net.JoinHostPort(addr, strconv.Itoa(port))
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
	waitFor(t, serve, "refused a connection from outside the container network")
}

// waitFor waits until p's output holds text.
func waitFor(t *testing.T, p *harness.Process, text string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !strings.Contains(p.Output.String(), text); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in rtdev serve's output:\n%s", text, p.Output.String())
		}
	}
}
