package cluster

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// TestRedisHintRunsAsPrinted: serve with --cluster and no Redis at the URL
// fails with a hint naming redis-server on the URL's own port. The command
// as printed starts a Redis there, and serve then starts with a banner that
// names the cluster.
func TestRedisHintRunsAsPrinted(t *testing.T) {
	harness.RequireTool(t, "redis-server", "redis-cli")
	sb := harness.NewSandbox(t)
	sb.Init("--no-trust")
	redisPort, port := harness.FreePort(t), harness.FreePort(t)
	url := fmt.Sprintf("redis://127.0.0.1:%d/0", redisPort)
	_, errOut, err := sb.Run(harness.Binary(t), "serve", "--port", strconv.Itoa(port), "--cluster", url)
	if err == nil {
		t.Fatal("serve with no Redis at the cluster URL started")
	}
	m := regexp.MustCompile(`hint: .*here: (redis-server [^;]*);`).FindStringSubmatch(errOut)
	if m == nil || !strings.Contains(m[1], "--port "+strconv.Itoa(redisPort)+" ") {
		t.Fatalf("the hint names no redis-server on port %d:\n%s", redisPort, errOut)
	}
	// The command as printed, in the sandbox's folder (the --save '' in it
	// needs a shell to read).
	sb.Start("", "sh", "-c", "exec "+m[1])
	deadline := time.Now().Add(20 * time.Second)
	for {
		if out, _, err := sb.Run("redis-cli", "-p", strconv.Itoa(redisPort), "ping"); err == nil && strings.TrimSpace(out) == "PONG" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server as the hint printed it never answered on %d", redisPort)
		}
		time.Sleep(100 * time.Millisecond)
	}
	p := sb.Serve(port, "--cluster", url)
	if h := health(t, sb, port); !strings.Contains(h, `"reachable":true`) {
		t.Errorf("health after following the hint: %s", h)
	}
	if out := p.Output.String(); !strings.Contains(out, "cluster    "+url) {
		t.Errorf("the banner does not name the cluster %s:\n%s", url, out)
	}
}
