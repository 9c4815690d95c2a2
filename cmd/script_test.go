package cmd

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rtdev/rtdev/internal/testtool"
)

// TestMain lets testscript run `rtdev` as this test binary re-executed,
// calling Main in-process with the script's environment and folder.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"rtdev": func() { os.Exit(Main()) },
	})
}

// TestScripts runs the CLI end-to-end tests in testdata/script/*.txtar, each
// in a throwaway HOME and CA folder so nothing touches this machine's files.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup:               sealedEnv,
		Cmds:                scriptCmds(),
	})
}

// sealedEnv gives each script its own HOME, XDG folders and CA folder, and
// no trust stores unless the script asks for one.
func sealedEnv(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	env.Setenv("HOME", home)
	env.Setenv("XDG_DATA_HOME", filepath.Join(home, ".local", "share"))
	env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	env.Setenv("RTDEV_CAROOT", filepath.Join(env.WorkDir, "caroot"))
	env.Setenv("RTDEV_TRUST_STORES", "none")
	// Doctor reads every store; no script may find this machine's JDKs
	// (PATH, /usr/lib/jvm) and their shared cacerts.
	env.Setenv("RTDEV_JAVA_HOMES", "none")
	env.Setenv("NO_COLOR", "1")
	// No project of a script came in on a mount, whatever this machine
	// is (a CI runner may itself be a container): in_container.txtar
	// writes its own table.
	env.Setenv("RTDEV_MOUNTINFO", os.DevNull)
	env.Setenv("REMOTE_CONTAINERS", "")
	env.Setenv("CODESPACES", "")
	return nil
}

// scriptCmds are the commands every script may use beside testscript's own.
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"filemode": cmdFileMode,
		"sans":     cmdSANs,
		"exits":    cmdExits,
		"httpsget": cmdHTTPSGet,
		"backend":  cmdBackend,
		"standin":  cmdStandIn,
		"runfix":   cmdRunFix,
		"windows":  cmdWindows,
		// doctor's fixes, applied as printed (script_doctor_test.go)
		"tlsserver":   cmdTLSServer,
		"peerjsplain": cmdPeerJSPlain,
		"teampki":     cmdTeamPKI,
	}
}

// standin flatpak DIR writes the stand-in flatpak program into DIR, for
// scripts that run a flatpak override rtdev printed.
func cmdStandIn(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || args[0] != "flatpak" {
		ts.Fatalf("usage: standin flatpak DIR")
	}
	_, err := testtool.StandInFlatpak(ts.MkAbs(args[1]))
	ts.Check(err)
}

// runfix ID runs, with sh -c, the fix of the first finding ID in the
// `rtdev doctor --json` document on the last command's stdout: the command
// exactly as doctor printed it.
func cmdRunFix(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: runfix ID")
	}
	var rep struct {
		Findings []struct{ ID, Fix string }
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &rep))
	for _, f := range rep.Findings {
		if f.ID == args[0] {
			if f.Fix == "" {
				ts.Fatalf("finding %s has no fix", args[0])
			}
			ts.Logf("running %q", f.Fix)
			ts.Check(ts.Exec("sh", "-c", f.Fix))
			return
		}
	}
	ts.Fatalf("no finding %s on stdout", args[0])
}

// filemode PATH MODE asserts a file's permission bits, e.g. filemode key.pem 0600.
func cmdFileMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filemode PATH MODE")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	got := fi.Mode().Perm()
	if (uint64(got) == want) == neg {
		ts.Fatalf("%s has mode %#o, want %s%#o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// sans CERT NAME... asserts that the PEM certificate lists NAME... (and,
// with !, that it lists none of them) in its subjectAltName.
func cmdSANs(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: sans CERT NAME...")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	block, _ := pem.Decode(data)
	if block == nil {
		ts.Fatalf("%s: no PEM block", args[0])
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	ts.Check(err)
	have := map[string]bool{}
	for _, n := range cert.DNSNames {
		have[n] = true
	}
	for _, ip := range cert.IPAddresses {
		have[ip.String()] = true
	}
	for _, e := range cert.EmailAddresses {
		have[e] = true
	}
	for _, u := range cert.URIs {
		have[u.String()] = true
	}
	for _, want := range args[1:] {
		if have[want] == neg {
			ts.Fatalf("%s: SAN %q present=%v, want %v (SANs: %s)", args[0], want, have[want], !neg, strings.Join(slices.Sorted(maps.Keys(have)), " "))
		}
	}
}

// exits CODE PROG ARGS... runs PROG like exec and asserts its exit status,
// so scripts can tell a usage error (2) from a failure (1) or findings (3).
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}

// httpsget [-X METHOD] [-d BODY] [-H 'NAME: VALUE']... URL CAFILE waits
// (up to 20s) for URL to answer over TLS with only CAFILE as root, then
// prints the status and body to stdout, so a script can start
// `rtdev serve &` and check what it serves. An http:// URL is fetched in
// plain HTTP; a Host header sets the request's Host.
func cmdHTTPSGet(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: httpsget [-X METHOD] [-d BODY] [-H 'NAME: VALUE']... URL CAFILE"
	method, body, hdr := "GET", "", http.Header{}
	for len(args) > 2 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-X":
			method = args[1]
		case "-d":
			body = args[1]
		case "-H":
			name, value, ok := strings.Cut(args[1], ":")
			if !ok {
				ts.Fatalf("%s", usage)
			}
			hdr.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		default:
			ts.Fatalf("%s", usage)
		}
		args = args[2:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("%s", usage)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		// The server may still be writing the CA it creates on first start.
		pemData, err := os.ReadFile(ts.MkAbs(args[1]))
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pemData)
		client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		var res *http.Response
		if err == nil {
			var req *http.Request
			req, err = http.NewRequest(method, args[0], strings.NewReader(body))
			ts.Check(err)
			req.Header = hdr.Clone()
			if h := hdr.Get("Host"); h != "" {
				req.Host = h
			}
			res, err = client.Do(req)
		}
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			fmt.Fprintf(ts.Stdout(), "%d\n%s\n", res.StatusCode, body)
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s %s: %v", method, args[0], err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// backend PORT NAME serves plain HTTP on 127.0.0.1:PORT until the script
// ends, answering "NAME PATH proto=X-Forwarded-Proto": the dev server a
// script puts `rtdev proxy` in front of.
func cmdBackend(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: backend PORT NAME")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+args[0])
	ts.Check(err)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s proto=%s\n", args[1], r.URL.Path, r.Header.Get("X-Forwarded-Proto"))
	})}
	go func() { _ = srv.Serve(ln) }()
	ts.Defer(func() { _ = srv.Close() })
}
