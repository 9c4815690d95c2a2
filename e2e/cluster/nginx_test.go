package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/internal/testtool"
)

// TestBehindNginx runs the README's load balancer example, round robin
// with no sticky sessions, in front of two instances: peers connected
// through it reach each other whichever instance each landed on.
func TestBehindNginx(t *testing.T) {
	nginx := testtool.Need(t, "nginx")
	rp := testtool.Redis(t)
	sb := harness.NewSandbox(t)
	sb.Init("--no-trust")
	ports := []int{harness.FreePort(t), harness.FreePort(t)}
	for _, port := range ports {
		sb.Serve(port, "--cluster", rp.URL())
	}
	lb := harness.FreePort(t)

	example, err := os.ReadFile(filepath.Join("testdata", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer(
		"127.0.0.1:9001", "127.0.0.1:"+strconv.Itoa(ports[0]),
		"127.0.0.1:9002", "127.0.0.1:"+strconv.Itoa(ports[1]),
		"listen 8443", "listen "+strconv.Itoa(lb),
		"/path/to/app", sb.Project,
	).Replace(string(example))
	sb.StartNginx(nginx, conf, fmt.Sprintf("https://localhost:%d/peerjs/id", lb))

	// Connect through nginx until there is a peer on each instance.
	onFirst := func() int { return peersHere(t, sb, ports[0]) }
	first := dial(t, sb, lb, "p0", "t0")
	first.expect(`{"type":"OPEN"}`)
	before := onFirst()
	var second *peer
	var secondID string
	for i := 1; i < 8 && second == nil; i++ {
		id := fmt.Sprintf("p%d", i)
		q := dial(t, sb, lb, id, "t")
		q.expect(`{"type":"OPEN"}`)
		if onFirst() == before { // it went to the other instance
			second, secondID = q, id
		}
		before = onFirst()
	}
	if second == nil {
		t.Fatal("nginx sent every connection to the same instance")
	}
	second.send(`{"type":"OFFER","dst":"p0","payload":{"sdp":"v=0"}}`)
	first.expect(`{"type":"OFFER","src":"` + secondID + `","dst":"p0","payload":{"sdp":"v=0"}}`)
	first.send(`{"type":"ANSWER","dst":"` + secondID + `","payload":{"sdp":"v=1"}}`)
	second.expect(`{"type":"ANSWER","src":"p0","dst":"` + secondID + `","payload":{"sdp":"v=1"}}`)
}

// TestREADMEShowsTheNginxExample keeps the README's example the one
// TestBehindNginx runs.
func TestREADMEShowsTheNginxExample(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("testdata", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(harness.RepoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```nginx\n"+string(example)+"```\n") {
		t.Errorf("README.md does not show testdata/nginx.conf as an nginx code block")
	}
}

func peersHere(t *testing.T, sb *harness.Sandbox, port int) int {
	t.Helper()
	h := health(t, sb, port)
	_, rest, ok := strings.Cut(h, `"peers_here":`)
	if !ok {
		t.Fatalf("no cluster part in the health report: %s", h)
	}
	n, err := strconv.Atoi(rest[:strings.IndexAny(rest, ",}")])
	if err != nil {
		t.Fatal(err)
	}
	return n
}
