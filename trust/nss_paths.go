package trust

import (
	"os"
	"path/filepath"
	"sort"
)

// nssDB is one NSS database folder a browser reads.
type nssDB struct {
	dir     string
	browser string
	// create: the folder has no database yet and Install creates one.
	create bool
}

// spec is certutil's -d argument: sql: for the cert9.db format, dbm: only
// for a folder that still has nothing but a legacy cert8.db.
func (d nssDB) spec() string {
	if !exists(filepath.Join(d.dir, "cert9.db")) && exists(filepath.Join(d.dir, "cert8.db")) {
		return "dbm:" + d.dir
	}
	return "sql:" + d.dir
}

func hasNSSDB(dir string) bool {
	return exists(filepath.Join(dir, "cert9.db")) || exists(filepath.Join(dir, "cert8.db"))
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// databases lists every NSS database Chromium and Firefox use for this HOME.
func (s *nssStore) databases() []nssDB {
	home := s.env.home()
	var dbs []nssDB
	seen := map[string]bool{}
	add := func(dir, browser string, create bool) {
		dir = filepath.Clean(dir)
		if !seen[dir] {
			seen[dir] = true
			dbs = append(dbs, nssDB{dir: dir, browser: browser, create: create})
		}
	}
	if s.env.GOOS == "linux" {
		// Chromium 146+ defaults to $XDG_DATA_HOME/pki/nssdb but keeps
		// using ~/.pki/nssdb when that exists (chromium
		// docs/linux/cert_management.md). A fresh HOME (a CI image, a
		// Playwright container) has neither, and mkcert then installs
		// nothing (mkcert#671): create the new one, which is the folder
		// Chromium opens first when nothing exists.
		xdgDB := filepath.Join(s.env.xdg("XDG_DATA_HOME", filepath.Join(".local", "share")), "pki", "nssdb")
		legacy := filepath.Join(home, ".pki", "nssdb")
		if !isDir(xdgDB) && !isDir(legacy) {
			add(xdgDB, "Chromium", true)
		}
		for _, d := range []string{xdgDB, legacy} {
			if isDir(d) {
				add(d, "Chromium", !hasNSSDB(d))
			}
		}
		// Snap Chromium under confinement (mkcert#116).
		if snap := filepath.Join(home, "snap", "chromium", "current", ".pki", "nssdb"); hasNSSDB(snap) {
			add(snap, "Chromium", false)
		}
		// Flatpak Chromium and Chrome: the folder each sandbox opens
		// (flatpak.go), created like the host's when it has no database.
		for _, b := range FlatpakBrowsers(s.env) {
			if b.DB != "" {
				add(b.DB, "Flatpak "+b.Name, !hasNSSDB(b.DB))
			}
		}
	}
	for _, root := range s.firefoxRoots() {
		// profiles.ini is what Firefox itself reads; a listed profile that
		// was never started has no database yet and gets one.
		for _, p := range profilesINI(root) {
			if isDir(p) {
				add(p, "Firefox", !hasNSSDB(p))
			}
		}
		// Profiles not (or no longer) in profiles.ini, as mkcert finds them.
		var found []string
		for _, pattern := range []string{filepath.Join(root, "*"), filepath.Join(root, "Profiles", "*")} {
			m, _ := filepath.Glob(pattern)
			found = append(found, m...)
		}
		sort.Strings(found)
		for _, p := range found {
			if hasNSSDB(p) {
				add(p, "Firefox", false)
			}
		}
	}
	return dbs
}

// firefoxRoots are the folders holding profiles.ini and the profiles.
func (s *nssStore) firefoxRoots() []string {
	home := s.env.home()
	if s.env.GOOS == "darwin" {
		return []string{filepath.Join(home, "Library", "Application Support", "Firefox")}
	}
	return []string{
		filepath.Join(home, ".mozilla", "firefox"),
		// Firefox 147+ puts new profiles under XDG_CONFIG_HOME (mkcert#668).
		filepath.Join(s.env.xdg("XDG_CONFIG_HOME", ".config"), "mozilla", "firefox"),
		filepath.Join(home, "snap", "firefox", "common", ".mozilla", "firefox"),
		// Flatpak (mkcert#409).
		filepath.Join(home, ".var", "app", "org.mozilla.firefox", ".mozilla", "firefox"),
	}
}
