package templates

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

// shellRuns are the shells TestEnvShells loads RenderEnv's output in: the
// script sources the file named by its first argument, then prints every
// variable NUL-terminated, in EnvVars order.
var shellRuns = []struct {
	render   string // RenderEnv shell
	tool     string
	args     func(file string, names []string) []string
	optional bool // powershell is not packaged for Debian
}{
	{"sh", "dash", shArgs, false},
	{"sh", "bash", shArgs, false},
	{"fish", "fish", func(file string, names []string) []string {
		var printf []string
		for _, n := range names {
			printf = append(printf, "\"$"+n+"\"")
		}
		return []string{"-N", "-c", "source $argv[1]; printf '%s\\0' " + strings.Join(printf, " "), file}
	}, false},
	{"powershell", "pwsh", func(file string, names []string) []string {
		var print []string
		for _, n := range names {
			print = append(print, "[Console]::Out.Write($env:"+n+" + [char]0)")
		}
		return []string{"-NoProfile", "-NonInteractive", "-Command", ". " + quotePowerShell(file) + "; " + strings.Join(print, "; ")}
	}, true},
}

func shArgs(file string, names []string) []string {
	var printf []string
	for _, n := range names {
		printf = append(printf, "\"$"+n+"\"")
	}
	return []string{"-c", `. "$1"; printf '%s\0' ` + strings.Join(printf, " "), "sh", file}
}

// TestEnvShells loads `rtdev env` output in each real shell, for both
// project folders, and checks every variable holds exactly the path (and
// that JAVA_TOOL_OPTIONS keeps what it held before).
func TestEnvShells(t *testing.T) {
	for label, d := range projects(t) {
		vars, err := EnvVars(d)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, v := range vars {
			names = append(names, v.Name)
		}
		for _, sr := range shellRuns {
			if _, err := exec.LookPath(sr.tool); err != nil && sr.optional {
				continue // not packaged for Debian: covered by the quoting tests
			}
			t.Run(label+"/"+sr.tool, func(t *testing.T) {
				tool := testtool.Need(t, sr.tool)
				cmd := exec.Command(tool, sr.args(envFile(t, sr.render, d), names)...)
				cmd.Env = append(os.Environ(), "JAVA_TOOL_OPTIONS=-Xmx64m")
				got, _ := output(t, cmd)
				values := strings.Split(strings.TrimSuffix(got, "\x00"), "\x00")
				if len(values) != len(vars) {
					t.Fatalf("%s printed %d values, want %d: %q", sr.tool, len(values), len(vars), values)
				}
				for i, v := range vars {
					want := v.Value
					if v.Append {
						want = "-Xmx64m " + v.Value
					}
					if values[i] != want {
						t.Errorf("%s: %s = %q, want %q", sr.tool, v.Name, values[i], want)
					}
				}
			})
		}
	}
}

// TestEnvShellcheck lints the POSIX output.
func TestEnvShellcheck(t *testing.T) {
	shellcheck := testtool.Need(t, "shellcheck")
	for _, d := range projects(t) {
		run(t, exec.Command(shellcheck, "-s", "sh", "-S", "warning", envFile(t, "sh", d)))
	}
}

// TestEnvJavaTrustStore checks the JVM itself reads the truststore flags
// from JAVA_TOOL_OPTIONS, path with spaces and quotes included.
func TestEnvJavaTrustStore(t *testing.T) {
	java := testtool.Need(t, "java")
	for label, d := range projects(t) {
		t.Run(label, func(t *testing.T) {
			file := envFile(t, "sh", d)
			cmd := exec.Command(testtool.Need(t, "sh"), "-c", `. "$1"; exec "$2" -XshowSettings:properties -version`, "sh", file, java)
			cmd.Env = append(os.Environ(), "JAVA_TOOL_OPTIONS=", "LC_ALL=C.UTF-8")
			props := run(t, cmd)
			for key, want := range map[string]string{
				"javax.net.ssl.trustStore":         d.TrustStoreFile,
				"javax.net.ssl.trustStorePassword": d.TrustStorePassword,
				"javax.net.ssl.trustStoreType":     "PKCS12",
			} {
				if !strings.Contains(props, "    "+key+" = "+want+"\n") {
					t.Errorf("java did not get %s = %q:\n%s", key, want, props)
				}
			}
		})
	}
}

// envFile writes RenderEnv's output for shell into a temp file.
func envFile(t *testing.T, shell string, d Data) string {
	t.Helper()
	out, err := RenderEnv(shell, d)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestRenderEnvErrors(t *testing.T) {
	d := goldenData()
	tests := []struct {
		name   string
		shell  string
		mutate func(*Data)
		check  func(error) bool
	}{
		{"unknown shell", "tcsh", func(*Data) {}, func(err error) bool {
			var e *UnknownShellError
			return errors.As(err, &e) && e.Hint() == "rtdev env --shell sh"
		}},
		{"no bundle", "sh", func(d *Data) { d.BundleFile = "" }, func(err error) bool {
			var e *UnsafeBundleError
			return errors.As(err, &e) && e.Hint() == "rtdev init"
		}},
		{"bundle is the CA alone", "fish", func(d *Data) { d.BundleFile = d.CAFile }, func(err error) bool {
			var e *UnsafeBundleError
			return errors.As(err, &e)
		}},
		{"no CA", "powershell", func(d *Data) { d.CAFile = "" }, func(err error) bool {
			var e *MissingFileError
			return errors.As(err, &e) && e.File == "ca.pem"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dd := d
			tt.mutate(&dd)
			_, err := RenderEnv(tt.shell, dd)
			if err == nil || !tt.check(err) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestEnvVarsJavaOnlyWithTrustStore(t *testing.T) {
	d := goldenData()
	d.TrustStoreFile = ""
	vars, err := EnvVars(d)
	if err != nil {
		t.Fatal(err)
	}
	replacing := 0
	for _, v := range vars {
		if v.Name == "JAVA_TOOL_OPTIONS" {
			t.Fatal("JAVA_TOOL_OPTIONS set without a truststore")
		}
		if strings.HasPrefix(v.Name, "SSL_CERT") || strings.HasSuffix(v.Name, "_BUNDLE") {
			replacing++
			if v.Value != d.BundleFile {
				t.Errorf("%s = %s; variables that replace the roots must get the combined bundle", v.Name, v.Value)
			}
		}
	}
	// SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE.
	if replacing != 3 {
		t.Errorf("%d variables replace the default roots, want 3: %+v", replacing, vars)
	}
}

// CheckShell takes the shells RenderEnv writes for, aliases included, and
// refuses the rest as RenderEnv does.
func TestCheckShell(t *testing.T) {
	for _, sh := range []string{"sh", "bash", "zsh", "fish", "powershell", "pwsh"} {
		if err := CheckShell(sh); err != nil {
			t.Errorf("CheckShell(%q) = %v", sh, err)
		}
	}
	var e *UnknownShellError
	if err := CheckShell("tcsh"); !errors.As(err, &e) || e.Shell != "tcsh" {
		t.Errorf("CheckShell(tcsh) = %v, want an UnknownShellError", err)
	}
}
