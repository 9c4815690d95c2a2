package trust

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/rtdev/rtdev/ca"
)

// nssStore is every NSS database of Chromium (Linux) and Firefox (Linux and
// macOS). It returns one Result per database.
type nssStore struct {
	env Env
	ca  *ca.CA
}

func (s *nssStore) Name() string { return StoreNSS }

// nickname is the CA's name in NSS; it carries the fingerprint, so it never
// clashes with another rtdev CA and uninstall finds exactly this one.
func (s *nssStore) nickname() string { return s.ca.UniqueName() }

// prepare returns certutil and the databases, or the one Result explaining
// why there is nothing to do.
func (s *nssStore) prepare() (string, []nssDB, []Result) {
	if s.env.GOOS != "linux" && s.env.GOOS != "darwin" {
		// Firefox on Windows imports the OS's roots by default
		// (security.enterprise_roots.enabled, mkcert#653), and Chrome
		// uses the OS store: the system store covers both.
		return "", nil, []Result{{Store: StoreNSS, State: Unsupported,
			Reason: "browsers on " + s.env.GOOS + " read the system store"}}
	}
	if s.env.home() == "" {
		return "", nil, []Result{{Store: StoreNSS, State: Skipped, Reason: "HOME is not set"}}
	}
	dbs := s.databases()
	if len(dbs) == 0 {
		return "", nil, []Result{{Store: StoreNSS, State: Skipped, Reason: "no Firefox profile found"}}
	}
	certutil, err := s.env.findCertutil()
	if err != nil {
		hint := s.env.certutilInstall()
		return "", nil, []Result{{Store: StoreNSS, State: Skipped, Command: hint,
			Reason: "certutil is not installed, so Chromium and Firefox cannot be set up",
			Err:    &MissingToolError{Tool: "certutil", Install: hint}}}
	}
	return certutil, dbs, nil
}

func (s *nssStore) each(ctx context.Context, op func(context.Context, string, nssDB) Result) []Result {
	certutil, dbs, res := s.prepare()
	if res != nil {
		return res
	}
	out := make([]Result, 0, len(dbs))
	for _, db := range dbs {
		out = append(out, op(ctx, certutil, db))
	}
	return out
}

func (s *nssStore) Status(ctx context.Context) []Result    { return s.each(ctx, s.status) }
func (s *nssStore) Install(ctx context.Context) []Result   { return s.each(ctx, s.install) }
func (s *nssStore) Uninstall(ctx context.Context) []Result { return s.each(ctx, s.uninstall) }

func (s *nssStore) result(db nssDB) Result {
	return Result{Store: StoreNSS, Location: db.dir}
}

func (s *nssStore) addArgs(db nssDB) []string {
	return []string{"-A", "-d", db.spec(), "-t", "C,,", "-n", s.nickname(), "-i", certFile(s.ca)}
}

// status asks certutil to verify the CA for the SSL CA usage, which fails
// both when it is absent and when it is present without CA trust.
func (s *nssStore) status(ctx context.Context, certutil string, db nssDB) Result {
	r := s.result(db)
	if db.create {
		r.State = Missing
		r.Reason = "no NSS database yet; install creates it"
		return r
	}
	out, err := s.env.exec(ctx, nil, certutil, "-V", "-d", db.spec(), "-u", "L", "-n", s.nickname())
	text := string(out)
	switch {
	case err == nil:
		r.State = Installed
		return r
	case certNotFound(text):
	case strings.Contains(text, "certificate is invalid"):
		r.Reason = "in the database but not trusted as a CA"
	default:
		return failure(r, fmt.Errorf("check NSS database %s: %w", db.dir, err), "")
	}
	r.State = Missing
	r.Command = s.env.display("certutil", s.addArgs(db)...)
	return r
}

func (s *nssStore) install(ctx context.Context, certutil string, db nssDB) Result {
	if st, done := preInstall(s.status(ctx, certutil, db)); done {
		return st
	}
	r := s.result(db)
	m := &manual{env: s.env}
	if db.create {
		m.add(false, "mkdir", "-p", db.dir).add(false, "certutil", "-N", "-d", "sql:"+db.dir, "--empty-password")
	}
	manual := m.add(false, "certutil", s.addArgs(db)...).String()
	if db.create {
		// 0700 like the folders Chromium creates: the key database may
		// later hold client certificate keys.
		if err := os.MkdirAll(db.dir, 0o700); err != nil {
			return failure(r, fmt.Errorf("create NSS database folder: %w", err), manual)
		}
		if _, err := s.env.exec(ctx, nil, certutil, "-N", "-d", "sql:"+db.dir, "--empty-password"); err != nil {
			return failure(r, fmt.Errorf("create NSS database: %w", err), manual)
		}
	}
	if err := readOnly(db.dir); err != nil {
		return failure(r, err, manual)
	}
	if _, err := s.env.exec(ctx, nil, certutil, s.addArgs(db)...); err != nil {
		return failure(r, s.explain(db, err), manual)
	}
	if st := s.status(ctx, certutil, nssDB{dir: db.dir, browser: db.browser}); st.State != Installed {
		return failure(r, fmt.Errorf("certutil added the CA to %s but does not trust it: %s", db.dir, st.Reason), manual)
	}
	r.State = Installed
	r.RestartBrowser = true
	if db.create {
		r.Reason = "created the " + db.browser + " NSS database"
	}
	return r
}

// maxNSSDeletes bounds the delete loop should certutil keep listing the
// nickname.
const maxNSSDeletes = 4

// uninstall deletes the nickname until certutil no longer lists it: NSS
// keeps one entry per certificate, and a nickname re-used by an older
// import can hide a second one.
func (s *nssStore) uninstall(ctx context.Context, certutil string, db nssDB) Result {
	r := s.result(db)
	if db.create {
		r.State = Missing
		return r
	}
	manual := (&manual{env: s.env}).add(false, "certutil", "-D", "-d", db.spec(), "-n", s.nickname()).String()
	deleted := 0
	for {
		out, err := s.env.exec(ctx, nil, certutil, "-L", "-d", db.spec(), "-n", s.nickname())
		if err != nil {
			if certNotFound(string(out)) {
				break
			}
			return failure(r, fmt.Errorf("list NSS database %s: %w", db.dir, err), manual)
		}
		if deleted == maxNSSDeletes {
			return failure(r, fmt.Errorf("%s still lists %q after %d deletions", db.dir, s.nickname(), deleted), manual)
		}
		if err := readOnly(db.dir); err != nil {
			return failure(r, err, manual)
		}
		if _, err := s.env.exec(ctx, nil, certutil, "-D", "-d", db.spec(), "-n", s.nickname()); err != nil {
			return failure(r, s.explain(db, err), manual)
		}
		deleted++
	}
	if deleted == 0 {
		r.State = Missing
		return r
	}
	r.State = Removed
	r.RestartBrowser = true
	return r
}

// certNotFound recognises certutil's "no such nickname": -V prints "could
// not find certificate named", -L "Could not find cert:".
func certNotFound(out string) bool {
	return strings.Contains(strings.ToLower(out), "could not find cert")
}

// readOnly names the first database file rtdev cannot open for writing: a
// database left owned by root by a `sudo` browser run, or a read-only mount.
// certutil itself only says SEC_ERROR_READ_ONLY, without a file.
func readOnly(dir string) error {
	for _, name := range []string{"cert9.db", "key4.db", "pkcs11.txt", "cert8.db", "key3.db", "secmod.db"} {
		p := filepath.Join(dir, name)
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return &ReadOnlyError{Path: p, Err: err}
		}
		f.Close()
	}
	return nil
}

// ReadOnlyError is a trust store file rtdev cannot write.
type ReadOnlyError struct {
	Path string
	Err  error
}

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("%s is read-only: %v", e.Path, e.Err)
}

func (e *ReadOnlyError) Unwrap() error { return e.Err }

// explain turns certutil's read-only failure, which names no file, into an
// error that names the folder.
func (s *nssStore) explain(db nssDB, err error) error {
	var ce *CommandError
	if errors.As(err, &ce) && strings.Contains(ce.Output, "SEC_ERROR_READ_ONLY") {
		return &ReadOnlyError{Path: db.dir, Err: err}
	}
	return err
}
