package cmd

import (
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/testtool"
)

// bareTools are all a new developer's machine needs for the onboarding
// script with install = "release": a POSIX shell (dash, the strictest
// common one), a downloader, tar, gzip, sha256sum and basic utilities.
var bareTools = []string{"curl", "tar", "gzip", "sha256sum", "dirname", "uname", "mktemp", "mkdir", "cp", "chmod", "mv", "rm", "id"}

// TestOnboardingBareMachine runs the onboarding script the way a new
// developer meets it: a PATH holding only bareTools and dash as sh (no Go,
// no Node, no rtdev) and a release made by scripts/dist, served from a
// loopback HTTP server (testdata/bare/*.txtar).
func TestOnboardingBareMachine(t *testing.T) {
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skipf("the release archives the script installs are checked on linux, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	tools := map[string]string{"sh": testtool.Need(t, "dash")}
	for _, name := range append(bareTools, "wget", "git") {
		tools[name] = testtool.Need(t, name)
	}
	testtool.Need(t, "shellcheck")
	// script(1) is the terminal the sudo branch needs.
	scriptPath := testtool.Need(t, "script")

	// The release exactly as make dist writes it, for this machine only.
	dist := t.TempDir()
	build := exec.Command("go", "run", "-trimpath", "./scripts/dist", "-version", "1.2.3", "-out", dist,
		"-targets", runtime.GOOS+"/"+runtime.GOARCH)
	build.Dir = ".."
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("scripts/dist: %v\n%s", err, out)
	}

	cmds := scriptCmds()
	cmds["bare"] = func(ts *testscript.TestScript, neg bool, args []string) { cmdBare(ts, neg, args, tools) }
	cmds["releaseserver"] = cmdReleaseServer
	cmds["tlsrelease"] = cmdTLSRelease
	cmds["tamper"] = cmdTamper
	cmds["treehash"] = cmdTreeHash
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/bare",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("DIST", dist)
			env.Setenv("SCRIPT", scriptPath)
			// Where `exec rtdev` is found, for going back from a bare PATH.
			env.Setenv("ORIG_PATH", env.Getenv("PATH"))
			return sealedEnv(env)
		},
		Cmds: cmds,
	})
}

// bare DIR [-TOOL|+TOOL...] fills DIR with links to dash (as sh) and
// bareTools, less each -TOOL and plus each +TOOL (wget, git): a PATH of
// only DIR is a bare machine.
func cmdBare(ts *testscript.TestScript, neg bool, args []string, tools map[string]string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: bare DIR [-TOOL|+TOOL...]")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	names := append([]string{"sh"}, bareTools...)
	for _, a := range args[1:] {
		name := a[1:]
		switch {
		case a[0] == '-':
			names = slices.DeleteFunc(names, func(n string) bool { return n == name })
		case a[0] == '+' && tools[name] != "":
			names = append(names, name)
		default:
			ts.Fatalf("bare: %q is neither -TOOL nor +TOOL of a known tool", a)
		}
	}
	for _, name := range names {
		ts.Check(os.Symlink(tools[name], filepath.Join(dir, name)))
	}
}

// releaseserver DIR serves DIR on 127.0.0.1 until the script ends and sets
// $RELEASE_URL to its address.
func cmdReleaseServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: releaseserver DIR")
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(ts.MkAbs(args[0]))))
	ts.Defer(srv.Close)
	ts.Setenv("RELEASE_URL", srv.URL)
}

// tlsrelease DIR serves the release in DIR the way a hostile or broken
// mirror might, on two loopback servers until the script ends:
//
//   - $HTTP_URL, plain http://, serves DIR and appends "GET PATH" to
//     $WORK/http.log for every request it gets; /loop/NAME redirects to
//     /NAME on itself.
//   - $TLS_URL, https:// with a certificate from a CA made here:
//     /down/NAME redirects to $HTTP_URL/NAME (the downgrade), /hop/NAME to
//     $TLS_URL/rel/NAME (absolute), /rel/NAME to /files/NAME (relative),
//     and /files/ serves DIR.
//
// curl and wget trust that CA through $HOME/.curlrc and $HOME/.wgetrc (not
// an environment variable, which doctor would report), as a developer's
// trust a real mirror's through the system store.
func cmdTLSRelease(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: tlsrelease DIR")
	}
	files := http.FileServer(http.Dir(ts.MkAbs(args[0])))

	var mu sync.Mutex
	logPath := filepath.Join(ts.Getenv("WORK"), "http.log")
	plainMux := http.NewServeMux()
	plainMux.HandleFunc("/loop/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.TrimPrefix(r.URL.Path, "/loop"), http.StatusFound)
	})
	plainMux.Handle("/", files)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%s %s\n", r.Method, r.URL.Path)
			f.Close()
		}
		mu.Unlock()
		plainMux.ServeHTTP(w, r)
	}))
	ts.Defer(plain.Close)

	c, err := ca.Create(filepath.Join(ts.Getenv("WORK"), "tlsca"), ca.CreateOptions{})
	ts.Check(err)
	names, err := ca.ParseNames([]string{"127.0.0.1"})
	ts.Check(err)
	leaf, err := c.Issue(ca.LeafOptions{Names: names})
	ts.Check(err)
	cert, err := tls.X509KeyPair(leaf.CertPEM, leaf.KeyPEM)
	ts.Check(err)

	tlsMux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(tlsMux)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	ts.Defer(srv.Close)
	tlsMux.HandleFunc("/down/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+strings.TrimPrefix(r.URL.Path, "/down"), http.StatusFound)
	})
	tlsMux.HandleFunc("/hop/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+"/rel"+strings.TrimPrefix(r.URL.Path, "/hop"), http.StatusMovedPermanently)
	})
	tlsMux.HandleFunc("/rel/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/files"+strings.TrimPrefix(r.URL.Path, "/rel"))
		w.WriteHeader(http.StatusFound)
	})
	tlsMux.Handle("/files/", http.StripPrefix("/files", files))

	caFile := filepath.Join(c.Dir, ca.CertFileName)
	home := ts.Getenv("HOME")
	ts.Check(os.WriteFile(filepath.Join(home, ".wgetrc"), []byte("ca_certificate = "+caFile+"\n"), 0o644))
	ts.Check(os.WriteFile(filepath.Join(home, ".curlrc"), []byte("cacert = "+caFile+"\n"), 0o644))
	ts.Setenv("HTTP_URL", plain.URL)
	ts.Setenv("TLS_URL", srv.URL)
}

// tamper SRC DST copies the release in SRC to DST with one byte of every
// archive changed and checksums.txt left as it was: what a compromised
// mirror or a broken download looks like.
func cmdTamper(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: tamper SRC DST")
	}
	src, dst := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(dst, 0o755))
	entries, err := os.ReadDir(src)
	ts.Check(err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		ts.Check(err)
		if strings.HasPrefix(e.Name(), "rtdev_") {
			data[len(data)/2] ^= 0xff
		}
		ts.Check(os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644))
	}
}

// treehash DIR... prints the SHA-256 and mode of every file under each DIR
// (lock files aside), so a script can show that a second run changed nothing.
func cmdTreeHash(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: treehash DIR...")
	}
	for _, root := range args {
		root = ts.MkAbs(root)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == ".lock" {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(ts.Stdout(), "%x %v %s\n", sha256.Sum256(data), fi.Mode(), path)
			return nil
		})
		ts.Check(err)
	}
}
