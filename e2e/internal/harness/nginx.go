package harness

import (
	"fmt"
	"path/filepath"
	"strings"
)

// NginxConf is a whole nginx.conf that keeps every file nginx writes under
// prefix and includes the file include inside http {}, where a server
// block (and a map) must sit. Errors go to stderr, which the harness logs
// if the test fails.
func NginxConf(prefix, include string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pid %s;\nerror_log stderr info;\nevents {}\nhttp {\n", filepath.Join(prefix, "nginx.pid"))
	fmt.Fprintf(&b, "    access_log %s;\n", filepath.Join(prefix, "access.log"))
	for _, kind := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&b, "    %s_temp_path %s;\n", kind, filepath.Join(prefix, kind))
	}
	fmt.Fprintf(&b, "    include %s;\n}\n", include)
	return b.String()
}
