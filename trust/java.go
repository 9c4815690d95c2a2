package trust

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/rtdev/rtdev/ca"
)

// javaStorePass is the well-known default password of a JDK's cacerts.
const javaStorePass = "changeit"

// javaStore is the cacerts of every JDK found on the machine (see jdks),
// each edited with its own keytool. It returns one Result per cacerts file.
type javaStore struct {
	env Env
	ca  *ca.CA
}

func (s *javaStore) Name() string { return StoreJava }

type javaPaths struct{ keytool, cacerts string }

// each runs op on every cacerts found; a JDK that cannot be used (a
// JAVA_HOME that points nowhere, a keg without cacerts) is its own Skipped
// result, so one broken JDK never hides the others or fails the command.
func (s *javaStore) each(ctx context.Context, op func(context.Context, javaPaths) Result) []Result {
	var out []Result
	for _, j := range s.env.jdks(ctx) {
		if j.skip != nil {
			out = append(out, *j.skip)
			continue
		}
		out = append(out, op(ctx, j.paths))
	}
	if len(out) == 0 {
		out = append(out, Result{Store: StoreJava, State: Skipped, Reason: s.env.noJDKReason()})
	}
	return out
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

// lookup lists the aliases that hold the CA in p's cacerts. When ok is
// false, r is already the answer: a listing that failed.
func (s *javaStore) lookup(ctx context.Context, p javaPaths) (r Result, aliases []string, ok bool) {
	r = Result{Store: StoreJava, Location: p.cacerts}
	aliases, err := s.find(ctx, p)
	if err != nil {
		return failure(r, fmt.Errorf("list %s: %w", p.cacerts, err), ""), nil, false
	}
	return r, aliases, true
}

func (s *javaStore) Status(ctx context.Context) []Result    { return s.each(ctx, s.status) }
func (s *javaStore) Install(ctx context.Context) []Result   { return s.each(ctx, s.install) }
func (s *javaStore) Uninstall(ctx context.Context) []Result { return s.each(ctx, s.uninstall) }

func (s *javaStore) status(ctx context.Context, p javaPaths) Result {
	r, aliases, ok := s.lookup(ctx, p)
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
	return r
}

func (s *javaStore) install(ctx context.Context, p javaPaths) Result {
	st := s.status(ctx, p)
	if st, done := preInstall(st); done {
		return st
	}
	r := Result{Store: StoreJava, Location: p.cacerts}
	manual := st.Command // the import, with sudo when cacerts is root's
	if _, err := s.env.run(ctx, s.asRoot(p), nil, p.keytool, s.importArgs(p)...); err != nil {
		return failure(r, fmt.Errorf("import into %s: %w", p.cacerts, err), manual)
	}
	if aliases, err := s.find(ctx, p); err != nil || len(aliases) == 0 {
		if err == nil {
			err = fmt.Errorf("keytool imported the CA but %s does not list it", p.cacerts)
		}
		return failure(r, err, manual)
	}
	r.State = Installed
	return r
}

// uninstall deletes rtdev's alias only; the same CA under another alias was
// put there by something else (the system store's hook) and stays.
func (s *javaStore) uninstall(ctx context.Context, p javaPaths) Result {
	r, aliases, ok := s.lookup(ctx, p)
	if !ok {
		return r
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
		return r
	}
	root := s.asRoot(p)
	manual := (&manual{env: s.env}).add(root, p.keytool, s.deleteArgs(p)...).String()
	if _, err := s.env.run(ctx, root, nil, p.keytool, s.deleteArgs(p)...); err != nil {
		return failure(r, fmt.Errorf("delete from %s: %w", p.cacerts, err), manual)
	}
	r.State = Removed
	return r
}
