package snippets

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// TestDoctorPlainPeerjsServer starts peerjs-server (npm peer) without TLS, as
// its README does, and asks rtdev doctor about it for an https:// page: the
// mixed-content error, naming the peerjs-server snippet and rtdev proxy,
// never http://. The proxy fix, run as printed (on a free port), puts TLS in
// front of the same server, and doctor finds no problem there.
func TestDoctorPlainPeerjsServer(t *testing.T) {
	harness.RequireTool(t, "node")
	harness.RequireNPM(t, "peer")
	sb := harness.NewSandbox(t)
	sb.Init()
	port := strconv.Itoa(harness.FreePort(t))
	peer := sb.Start("", filepath.Join(harness.NPMDir(), "node_modules", ".bin", "peerjs"), "--port", port)
	waitHTTP(t, "http://127.0.0.1:"+port+"/", peer)

	const origin = "https://localhost:9001"
	out, errOut, err := sb.Run(harness.Binary(t), "doctor", "http://localhost:"+port, "--peerjs", "--origin", origin)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 3 {
		t.Fatalf("doctor on plain peerjs-server: got %v, want exit status 3\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	printed := "rtdev proxy --to " + port
	for _, want := range []string{"[mixed-content]", "rtdev snippet peerjs-server (TLS in the server)", printed} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "use http://") {
		t.Errorf("doctor offers http:// to an HTTPS page:\n%s", out)
	}

	proxyPort := strconv.Itoa(harness.FreePort(t))
	px := sb.Start("", harness.Binary(t), "proxy", "--to", port, "--port", proxyPort)
	url := "https://localhost:" + proxyPort
	harness.WaitHTTPS(t, url+"/", sb.CAPool(), px)
	out = sb.Rtdev("doctor", url, "--peerjs", "--origin", origin)
	for _, want := range []string{"[peerjs-ok]", "[cors-ok]", "no problems found"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor behind %s lacks %q:\n%s", fmt.Sprintf("rtdev proxy --to %s", port), want, out)
		}
	}
}
