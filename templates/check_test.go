package templates

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

// checker runs a snippet file through the real tool for its language and
// returns the string values that tool parsed out of it, where it can (nil
// when the tool only says yes or no). Files the check needs beside it go in
// the same folder.
type checker func(t *testing.T, file string) []string

var checkers = map[string]checker{
	"js":              checkJS,
	"ts":              checkTS,
	"json":            checkJSON,
	"jsonc":           checkJSONC,
	"dotenv":          checkDotenv,
	"py":              checkPython,
	"php":             checkPHP,
	"go":              checkGo,
	"sh":              checkShell,
	"nginx":           checkNginx,
	"caddy":           checkCaddy,
	"java-properties": checkProperties,
	"xml":             checkXML,
}

// unchecked are the languages no tool on this machine can parse; their
// string quoting is covered by TestQuoteTable instead. The Dart SDK is not
// packaged for Debian.
var unchecked = map[string]bool{"dart": true}

// wantValues are the files each target must name, checked against the
// values the tool parsed (only for languages whose checker returns values).
var wantValues = map[string][]string{
	"nuxt-cli":      {"cert", "key"},
	"next":          {"cert", "key", "ca"},
	"peerjs-server": {"cert", "key"},
	"cra":           {"cert", "key"},
	"angular":       {"cert", "key"},
	"centrifugo-v5": {"cert", "key"},
	"centrifugo-v6": {"cert", "key"},
	"kestrel":       {"p12", "p12pass"},
	"spring-boot":   {"p12url", "p12pass"},
	"caddy":         {"fullchain", "key"},
	"ios":           {"ca"},
}

// valueOf is the value a target's tool must read for what: the path in the
// form the target renders it (project-relative for a ProjectRelative one).
func valueOf(tg Target, d Data, what string) string {
	v := map[string]string{
		"cert": d.CertFile, "key": d.KeyFile, "ca": d.CAFile, "p12": d.P12File,
		"p12pass": d.P12Password, "fullchain": d.FullchainFile, "p12url": "file:" + d.P12File,
	}[what]
	if tg.ProjectRelative && !d.Absolute && what != "p12pass" {
		return d.relativePath(v)
	}
	return v
}

// snippetFiles is the file each target is written as: the name and
// extension its tool reads.
var snippetFiles = map[string]string{
	"vite": "vite.config.js", "astro": "astro.config.mjs", "nuxt": "nuxt.config.ts",
	"nuxt-cli": "package.json", "next": "package.json", "next-config": "next.config.mjs",
	"cra": ".env", "webpack": "webpack.config.js", "angular": "angular.json",
	"peerjs": "peer.js", "websocket": "socket.js", "centrifuge-js": "centrifuge-client.js",
	"centrifuge-dart": "realtime.dart", "python-websockets-client": "client.py",
	"peerjs-server": "package.json", "centrifugo-v5": "config.json", "centrifugo-v6": "config.json",
	"python-websockets": "server.py", "ratchet": "server.php", "node-ws": "server.mjs",
	"socketio": "server.mjs", "go": "main.go", "deno": "main.ts", "bun": "server.ts",
	"spring-boot": "application.properties", "kestrel": "appsettings.Development.json",
	"nginx": "rtdev.conf", "caddy": "Caddyfile", "env": ".envrc",
	"android": "network_security_config.xml", "ios": "ios-simulator.sh",
}

// TestSnippetsParse renders every target for a project folder with a space
// and for one with quotes, "$", braces, a backtick and non-ASCII in its
// name, writes it where init and `snippet --write` do
// (.rtdev/snippets/TARGET/FILE), checks FILE is the name its tool reads,
// and runs the written file through that tool.
func TestSnippetsParse(t *testing.T) {
	for label, d := range projects(t) {
		for _, tg := range Targets() {
			t.Run(label+"/"+tg.Name, func(t *testing.T) {
				snippet, err := Render(tg.Name, d)
				if tg.Name == "nginx" && label == "hostile" {
					var unsupported *UnsupportedPathError
					if !errors.As(err, &unsupported) {
						t.Fatalf("nginx with a $ in the path: err = %v, want UnsupportedPathError", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				path := tg.SnippetPath(filepath.Join(d.ProjectDir, ".rtdev", "snippets"))
				if want := filepath.Join(d.ProjectDir, ".rtdev", "snippets", tg.Name, snippetFiles[tg.Name]); path != want || snippetFiles[tg.Name] == "" {
					t.Fatalf("written as %s, want %s", path, want)
				}
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(snippet), 0o644); err != nil {
					t.Fatal(err)
				}
				var values []string
				switch {
				case unchecked[tg.Lang]:
					return
				case tg.Name == "env":
					checkShellSyntax(t, path) // TestEnvShells runs it in each shell
					return
				case tg.Script != "":
					values = checkScript(t, path, tg.Script)
				default:
					check, ok := checkers[tg.Lang]
					if !ok {
						t.Fatalf("no checker for language %q", tg.Lang)
					}
					values = check(t, path)
				}
				for _, w := range wantValues[tg.Name] {
					want := valueOf(tg, d, w)
					if !contains(values, want) {
						t.Errorf("%s: the tool read %q, none of which is the %s %q", tg.Name, values, w, want)
					}
				}
			})
		}
	}
}

// checkScript reads a package.json that must hold only scripts.NAME, and
// checks that script as the shell npm runs it with.
func checkScript(t *testing.T, file, name string) []string {
	var pkg map[string]map[string]string
	b := readText(t, file)
	if err := json.Unmarshal([]byte(b), &pkg); err != nil {
		t.Fatalf("%s: %v\n%s", file, err, b)
	}
	script, ok := pkg["scripts"][name]
	if len(pkg) != 1 || len(pkg["scripts"]) != 1 || !ok {
		t.Fatalf("%s holds more than scripts.%s:\n%s", file, name, b)
	}
	return checkShell(t, write(t, filepath.Dir(file), "script.sh", script+"\n"))
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkJS parses the file as an ES module (strict mode) without running
// it: a .js file gets a package.json saying so beside it, as the bundlers
// that load these files (Vite, Nuxt, Next) read .js as ESM.
func checkJS(t *testing.T, file string) []string {
	node := testtool.Need(t, "node")
	if filepath.Ext(file) == ".js" {
		write(t, filepath.Dir(file), "package.json", `{"type": "module"}`)
	}
	run(t, exec.Command(node, "--check", file))
	return nil
}

// checkTS parses the snippet with esbuild's TypeScript loader (node 20 has
// no type stripping), pinned in testdata/npm.
func checkTS(t *testing.T, file string) []string {
	npm := needNPM(t)
	if filepath.Ext(file) != ".ts" {
		t.Fatalf("%s: esbuild picks its loader by extension; a TypeScript file ends in .ts", file)
	}
	run(t, exec.Command(filepath.Join(npm, "node_modules", ".bin", "esbuild"), file, "--log-level=warning"))
	return nil
}

func checkJSON(t *testing.T, file string) []string {
	return parseJSON(t, readText(t, file))
}

func parseJSON(t *testing.T, text string) []string {
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, text)
	}
	return stringLeaves(v)
}

func readText(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkJSONC drops the // comment lines that angular.json and .NET's
// appsettings readers skip, then parses the rest as JSON.
func checkJSONC(t *testing.T, file string) []string {
	var kept []string
	for _, line := range strings.Split(readText(t, file), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "//") {
			kept = append(kept, line)
		}
	}
	return parseJSON(t, strings.Join(kept, "\n"))
}

func stringLeaves(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, stringLeaves(x)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, x := range v {
			out = append(out, stringLeaves(x)...)
		}
		return out
	}
	return nil
}

// checkDotenv reads the file with the dotenv and dotenv-expand versions
// react-scripts 5.0.1 uses, the way its config/env.js does.
func checkDotenv(t *testing.T, env string) []string {
	node := testtool.Need(t, "node")
	npm := needNPM(t)
	script := write(t, filepath.Dir(env), "read.cjs", `
const path = process.argv[2], modules = process.argv[3]
const dotenv = require(modules + '/dotenv')
const expand = require(modules + '/dotenv-expand')
const parsed = expand(dotenv.config({ path, processEnv: {} })).parsed
process.stdout.write(JSON.stringify(parsed))
`)
	out, _ := output(t, exec.Command(node, script, env, filepath.Join(npm, "node_modules")))
	var parsed map[string]string
	if err := json.Unmarshal([]byte(out), &parsed); err != nil {
		t.Fatalf("dotenv output %q: %v", out, err)
	}
	if parsed["HTTPS"] != "true" {
		t.Errorf("HTTPS = %q; react-scripts wants exactly \"true\"", parsed["HTTPS"])
	}
	return []string{parsed["SSL_CRT_FILE"], parsed["SSL_KEY_FILE"]}
}

func checkPython(t *testing.T, file string) []string {
	// py_compile writes the bytecode next to the file unless told otherwise.
	run(t, exec.Command(testtool.Python(t), "-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
		file, filepath.Join(t.TempDir(), "snippet.pyc")))
	return nil
}

func checkPHP(t *testing.T, file string) []string {
	run(t, exec.Command(testtool.Need(t, "php"), "-l", file))
	return nil
}

// checkGo vets the file as the main package of a module of its own.
func checkGo(t *testing.T, file string) []string {
	goTool := testtool.Need(t, "go")
	write(t, filepath.Dir(file), "go.mod", "module snippet\n\ngo 1.22\n")
	cmd := exec.Command(goTool, "vet", ".")
	cmd.Dir = filepath.Dir(file)
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	run(t, cmd)
	return nil
}

// stubbed are the commands shell snippets start; the check puts stubs for
// them on PATH that record their arguments.
var stubbed = []string{"next", "nuxi", "peerjs", "xcrun"}

// checkShellSyntax runs sh -n and shellcheck on the file.
func checkShellSyntax(t *testing.T, file string) {
	run(t, exec.Command(testtool.Need(t, "sh"), "-n", file))
	run(t, exec.Command(testtool.Need(t, "shellcheck"), "-s", "sh", "-S", "warning", file))
}

// checkShell checks the file's syntax, then runs it with stubs for the
// commands and returns the arguments they were given.
func checkShell(t *testing.T, file string) []string {
	checkShellSyntax(t, file)
	sh := testtool.Need(t, "sh")
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	args := filepath.Join(dir, "args")
	for _, name := range stubbed {
		write(t, bin, name, "#!/bin/sh\nprintf '%s\\0' \"$@\" >> \"$RTDEV_ARGS\"\n")
		if err := os.Chmod(filepath.Join(bin, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(sh, file)
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "RTDEV_ARGS="+args)
	run(t, cmd)
	out, err := os.ReadFile(args)
	if err != nil {
		t.Fatalf("the snippet started none of %v: %v", stubbed, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// checkNginx runs nginx -t on the snippet included at http level of a
// minimal nginx.conf whose prefix, pid and logs are in a temp folder. nginx
// loads the certificate and key, so their paths must be read right.
func checkNginx(t *testing.T, file string) []string {
	nginx := testtool.Need(t, "nginx")
	dir := filepath.Dir(file)
	conf := write(t, dir, "nginx.conf", `
pid nginx.pid;
error_log stderr;
events {}
http {
    access_log off;
    client_body_temp_path tmp;
    proxy_temp_path tmp;
    fastcgi_temp_path tmp;
    uwsgi_temp_path tmp;
    scgi_temp_path tmp;
    include `+filepath.Base(file)+`;
}
`)
	if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := run(t, exec.Command(nginx, "-t", "-q", "-p", dir+"/", "-c", conf, "-e", "stderr"))
	if strings.Contains(out, "[warn]") {
		t.Errorf("nginx warns:\n%s", out)
	}
	return nil
}

// checkCaddy adapts the Caddyfile and validates the result, which loads the
// certificate files, and returns the file names in the adapted config. HOME
// and XDG folders point into the temp folder.
func checkCaddy(t *testing.T, file string) []string {
	caddy := testtool.Need(t, "caddy")
	dir := t.TempDir()
	cmd := exec.Command(caddy, "adapt", "--config", file, "--adapter", "caddyfile", "--validate")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	out, stderr := output(t, cmd)
	for _, line := range strings.Split(stderr, "\n") {
		// Turning redirects off is the snippet's choice; any other warning is not.
		if strings.Contains(line, `"level":"warn"`) && !strings.Contains(line, "redirects are disabled") {
			t.Errorf("caddy warns: %s", line)
		}
	}
	var cfg struct {
		Apps struct {
			TLS struct {
				Certificates struct {
					LoadFiles []struct{ Certificate, Key string } `json:"load_files"`
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &cfg); err != nil {
		t.Fatalf("adapted config: %v\n%s", err, out)
	}
	var values []string
	for _, f := range cfg.Apps.TLS.Certificates.LoadFiles {
		values = append(values, f.Certificate, f.Key)
	}
	return values
}

// checkProperties loads the file with java.util.Properties and returns its
// values.
func checkProperties(t *testing.T, file string) []string {
	java := testtool.Need(t, "java")
	src := write(t, t.TempDir(), "Props.java", `
import java.io.FileInputStream;
import java.util.Properties;

public class Props {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (FileInputStream in = new FileInputStream(args[0])) { p.load(in); }
        for (String k : p.stringPropertyNames()) {
            System.out.print(k + "=");
            for (byte b : p.getProperty(k).getBytes("UTF-8")) System.out.printf("%02x", b);
            System.out.println();
        }
    }
}
`)
	cmd := exec.Command(java, src, file)
	cmd.Env = append(os.Environ(), "JAVA_TOOL_OPTIONS=")
	out, _ := output(t, cmd)
	return decodeHexValues(t, out)
}

// TestBehindServeParses: the --behind-serve forms parse with their tools,
// name the serve port for the HMR client and carry no certificate path
// (the dev server runs plain behind the route); other targets refuse it.
func TestBehindServeParses(t *testing.T) {
	d := goldenData()
	d.ProjectDir = t.TempDir()
	d.BehindServe, d.ServePort = true, 9443
	for _, tg := range Targets() {
		snippet, err := Render(tg.Name, d)
		if !tg.BehindServe {
			var bse *BehindServeError
			if tg.Name != "env" && !errors.As(err, &bse) {
				t.Errorf("%s --behind-serve: err = %v, want BehindServeError", tg.Name, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(snippet, "clientPort: 9443") || strings.Contains(snippet, "key.pem") {
			t.Errorf("%s --behind-serve:\n%s\nwant clientPort 9443 and no key path", tg.Name, snippet)
		}
		path := filepath.Join(d.ProjectDir, snippetFiles[tg.Name])
		if err := os.WriteFile(path, []byte(snippet), 0o644); err != nil {
			t.Fatal(err)
		}
		checkers[tg.Lang](t, path)
	}
}
