package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// StartNginx runs nginx (bin) with block included inside http {}, where a
// server block (and a map) must sit, keeping every file nginx writes under
// the project's nginx/ folder, and waits until readyURL answers over TLS
// with the sandbox CA. Errors go to stderr, which the harness logs if the
// test fails.
func (sb *Sandbox) StartNginx(bin, block, readyURL string) *Process {
	sb.T.Helper()
	prefix := filepath.Join(sb.Project, "nginx")
	if err := os.MkdirAll(prefix, 0o755); err != nil {
		sb.T.Fatal(err)
	}
	include := filepath.Join(prefix, "block.conf")
	var b strings.Builder
	fmt.Fprintf(&b, "pid %s;\nerror_log stderr info;\nevents {}\nhttp {\n", filepath.Join(prefix, "nginx.pid"))
	fmt.Fprintf(&b, "    access_log %s;\n", filepath.Join(prefix, "access.log"))
	for _, kind := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&b, "    %s_temp_path %s;\n", kind, filepath.Join(prefix, kind))
	}
	fmt.Fprintf(&b, "    include %s;\n}\n", include)
	conf := filepath.Join(prefix, "nginx.conf")
	for path, data := range map[string]string{include: block, conf: b.String()} {
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			sb.T.Fatal(err)
		}
	}
	p := sb.Start(prefix, bin, "-p", prefix+"/", "-c", conf, "-g", "daemon off;")
	WaitHTTPS(sb.T, readyURL, sb.CAPool(), p)
	return p
}
