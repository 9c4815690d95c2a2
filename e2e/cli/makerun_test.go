package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// makeRunScript runs `make run` twice in a network namespace of its own
// (so port 9000 is this test's to take) while another rtdev serve holds
// 9000: once with PORT=9001 on make's command line, once without PORT
// there but with PORT in the environment, which must not move the port;
// the first run keeps 9001, so the second moves on to 9002.
// The PID namespace ends
// every process it started when the script ends.
const makeRunScript = `
set -eu
ip link set lo up
wait_health() {
	i=0
	until curl -sf --cacert .rtdev/ca.pem "https://localhost:$1/rtdev/health" >/dev/null; do
		i=$((i+1)); [ $i -lt 300 ] || { echo "no health on $1" >&2; exit 1; }
		sleep 0.1
	done
}
./bin/rtdev init --no-trust >holder.log 2>&1
./bin/rtdev serve --port 9000 >>holder.log 2>&1 &
wait_health 9000
PORT=9555 make -f "$MAKEFILE" GO=true VERSION=0 run PORT=9001 >typed.log 2>&1 &
wait_health 9001
PORT=9555 make -f "$MAKEFILE" GO=true VERSION=0 run >next.log 2>&1 &
wait_health 9002
`

// TestMakeRunAnywhere: make run PORT=9001 serves on 9001 with 9000 taken;
// without PORT on make's command line serve moves on from a taken 9000 to
// the next free port and says so, and a PORT in the environment is ignored.
func TestMakeRunAnywhere(t *testing.T) {
	harness.RequireTool(t, "make", "unshare", "ip", "curl")
	sb := harness.NewSandbox(t)
	sb.Setenv("RTDEV_TRUST_STORES", "none")
	data, err := os.ReadFile(harness.Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(sb.Project, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "rtdev"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	sb.Setenv("MAKEFILE", filepath.Join(harness.RepoRoot(), "Makefile"))
	out, errOut, err := sb.Run("unshare", "--net", "--pid", "--fork", "--kill-child", "sh", "-c", makeRunScript)
	logs := map[string]string{}
	for _, name := range []string{"holder", "typed", "next"} {
		b, _ := os.ReadFile(filepath.Join(sb.Project, name+".log"))
		logs[name] = string(b)
	}
	if err != nil {
		t.Fatalf("make run: %v\n%s%s\nlogs: %q", err, out, errOut, logs)
	}
	if !strings.Contains(logs["typed"], "./bin/rtdev serve --port 9001") {
		t.Errorf("make run PORT=9001 did not pass --port 9001:\n%s", logs["typed"])
	}
	if strings.Contains(logs["typed"], "is taken") {
		t.Errorf("a port typed with PORT= moved:\n%s", logs["typed"])
	}
	if !strings.Contains(logs["next"], "port 9000 is taken: serving on 9002") {
		t.Errorf("serve did not say it moved to the next free port:\n%s", logs["next"])
	}
	if !strings.Contains(logs["next"], "./bin/rtdev serve --port 9002") {
		t.Errorf("the move does not name the command as it can be run:\n%s", logs["next"])
	}
	if strings.Contains(logs["next"], "9555") {
		t.Errorf("PORT from the environment reached serve:\n%s", logs["next"])
	}
}
