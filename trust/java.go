package trust

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rtdev/rtdev/ca"
)

// javaStorePass is the well-known default password of a JDK's cacerts.
const javaStorePass = "changeit"

// javaStore is the cacerts of the JDK in $JAVA_HOME, edited with its own
// keytool.
type javaStore struct {
	env Env
	ca  *ca.CA
}

func (s *javaStore) Name() string { return StoreJava }

type javaPaths struct{ keytool, cacerts string }

// locate finds keytool and cacerts, or returns the Skipped result saying
// what is missing. mkcert aborts when JAVA_HOME has no cacerts, as in
// Homebrew's openjdk keg (mkcert#472); here that is a skip with a reason.
func (s *javaStore) locate() (javaPaths, *Result) {
	home := s.env.Getenv("JAVA_HOME")
	if home == "" {
		return javaPaths{}, &Result{Store: StoreJava, State: Skipped, Reason: "JAVA_HOME is not set"}
	}
	exe := "keytool"
	if s.env.GOOS == "windows" {
		exe += ".exe"
	}
	p := javaPaths{keytool: filepath.Join(home, "bin", exe)}
	if !exists(p.keytool) {
		return p, &Result{Store: StoreJava, Location: home, State: Skipped,
			Reason: "no keytool in " + filepath.Join(home, "bin"),
			Err:    &MissingToolError{Tool: "keytool"}}
	}
	// JDK 8 keeps it under jre/, JDK 9+ directly under lib/.
	jre := filepath.Join(home, "jre", "lib", "security", "cacerts")
	lib := filepath.Join(home, "lib", "security", "cacerts")
	switch {
	case exists(jre):
		p.cacerts = jre
	case exists(lib):
		p.cacerts = lib
	default:
		return p, &Result{Store: StoreJava, Location: home, State: Skipped,
			Reason: "no cacerts in JAVA_HOME (looked for " + lib + " and " + jre + ")"}
	}
	return p, nil
}

// asRoot: a system JDK's cacerts belongs to root (on Debian it is a link to
// /etc/ssl/certs/java/cacerts).
func (s *javaStore) asRoot(p javaPaths) bool {
	f, err := os.OpenFile(p.cacerts, os.O_WRONLY, 0)
	if err != nil {
		return true
	}
	f.Close()
	return false
}

func (s *javaStore) args(p javaPaths, verb ...string) []string {
	return append(verb, "-keystore", p.cacerts, "-storepass", javaStorePass)
}

func (s *javaStore) importArgs(p javaPaths) []string {
	return s.args(p, "-importcert", "-noprompt", "-alias", s.ca.UniqueName(), "-file", certFile(s.ca))
}

func (s *javaStore) deleteArgs(p javaPaths) []string {
	return s.args(p, "-delete", "-alias", s.ca.UniqueName())
}

// find lists cacerts and returns the aliases holding the CA, matched by
// SHA-256 or SHA-1 fingerprint (JDK 8's keytool prints only SHA-1), so an
// entry added by another route (Debian's jks-keystore hook copies the system
// anchors in) is seen too.
func (s *javaStore) find(ctx context.Context, p javaPaths) ([]string, error) {
	out, err := s.env.exec(ctx, nil, p.keytool, s.args(p, "-list")...)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{strings.ToUpper(s.ca.Fingerprint()): true, sha1Hex(s.ca): true}
	var aliases []string
	alias := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.Contains(line, "Entry,") { // alias, date, trustedCertEntry,
			alias, _, _ = strings.Cut(line, ",")
			continue
		}
		if _, fp, ok := strings.Cut(line, "): "); ok && strings.Contains(line, "fingerprint") {
			if want[strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(fp), ":", ""))] {
				aliases = append(aliases, alias)
			}
		}
	}
	return aliases, nil
}

// ours reports whether alias is the one rtdev adds; JKS stores aliases in
// lower case.
func (s *javaStore) ours(alias string) bool { return strings.EqualFold(alias, s.ca.UniqueName()) }

// lookup locates cacerts and lists the aliases that hold the CA. When ok is
// false, r is already the answer: a skip, or a listing that failed.
func (s *javaStore) lookup(ctx context.Context) (p javaPaths, r Result, aliases []string, ok bool) {
	p, skip := s.locate()
	if skip != nil {
		return p, *skip, nil, false
	}
	r = Result{Store: StoreJava, Location: p.cacerts}
	aliases, err := s.find(ctx, p)
	if err != nil {
		return p, failure(r, fmt.Errorf("list %s: %w", p.cacerts, err), ""), nil, false
	}
	return p, r, aliases, true
}

func (s *javaStore) Status(ctx context.Context) []Result {
	_, r := s.status(ctx)
	return []Result{r}
}

// status is Status with the paths it found, for Install to go on with.
func (s *javaStore) status(ctx context.Context) (javaPaths, Result) {
	p, r, aliases, ok := s.lookup(ctx)
	switch {
	case !ok:
	case len(aliases) == 0:
		r.State = Missing
		r.Command = (&manual{env: s.env}).add(s.asRoot(p), p.keytool, s.importArgs(p)...).String()
	default:
		r.State = Installed
		if !s.ours(aliases[0]) {
			r.Reason = "present as " + aliases[0]
		}
	}
	return p, r
}

func (s *javaStore) Install(ctx context.Context) []Result {
	p, st := s.status(ctx)
	if st, done := preInstall(st); done {
		return []Result{st}
	}
	r := Result{Store: StoreJava, Location: p.cacerts}
	manual := st.Command // the import, with sudo when cacerts is root's
	if _, err := s.env.run(ctx, s.asRoot(p), nil, p.keytool, s.importArgs(p)...); err != nil {
		return []Result{failure(r, fmt.Errorf("import into %s: %w", p.cacerts, err), manual)}
	}
	if aliases, err := s.find(ctx, p); err != nil || len(aliases) == 0 {
		if err == nil {
			err = fmt.Errorf("keytool imported the CA but %s does not list it", p.cacerts)
		}
		return []Result{failure(r, err, manual)}
	}
	r.State = Installed
	return []Result{r}
}

// Uninstall deletes rtdev's alias only; the same CA under another alias was
// put there by something else (the system store's hook) and stays.
func (s *javaStore) Uninstall(ctx context.Context) []Result {
	p, r, aliases, ok := s.lookup(ctx)
	if !ok {
		return []Result{r}
	}
	mine := false
	for _, a := range aliases {
		if s.ours(a) {
			mine = true
		} else {
			r.Reason = "also present as " + a + ", which rtdev did not add; left alone"
		}
	}
	if !mine {
		r.State = Missing
		return []Result{r}
	}
	root := s.asRoot(p)
	manual := (&manual{env: s.env}).add(root, p.keytool, s.deleteArgs(p)...).String()
	if _, err := s.env.run(ctx, root, nil, p.keytool, s.deleteArgs(p)...); err != nil {
		return []Result{failure(r, fmt.Errorf("delete from %s: %w", p.cacerts, err), manual)}
	}
	r.State = Removed
	return []Result{r}
}
