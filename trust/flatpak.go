package trust

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The Flatpak builds of Chromium and Chrome on flathub, as their manifests
// stand at Chromium 151 (finish-args, and the launch scripts chromium.sh and
// chrome.sh, which set no NSS path; no patch moves the NSS database):
//
//   - org.chromium.Chromium: --filesystem=home, so the sandbox sees the
//     host's ~/.pki.
//   - com.google.Chrome: no home access and no --persist; ~/.pki is on the
//     sandbox's temporary home.
//   - io.github.ungoogled_software.ungoogled_chromium: --persist=.pki ("for
//     imported CA certificates"), so the sandbox's ~/.pki is
//     ~/.var/app/ID/.pki.
//
// Chromium's own rule then applies inside the sandbox: ~/.pki/nssdb when
// that folder exists, else, from Chromium 146 on, $XDG_DATA_HOME/pki/nssdb,
// created at first start (measured with Chromium 156: an empty ~/.pki is not
// enough, the nssdb folder must exist). Flatpak sets XDG_DATA_HOME to
// ~/.var/app/ID/data for every app, so the new default lands in the app's
// own folder, which persists, and never in the host's
// ~/.local/share/pki/nssdb whatever the app may see. Before 146 only
// ~/.pki/nssdb was used: an app that sees neither the host's ~/.pki nor a
// persisted one kept its database on the temporary home and lost every
// imported certificate at exit (flathub com.google.Chrome#69 and #466).

// flatpakApp is one Flatpak browser and the manifest's default
// permissions that decide where its ~/.pki is.
type flatpakApp struct {
	id, name string
	// filesystems and persistent are the manifest's --filesystem and
	// --persist values, as Flatpak's override keyfiles spell them.
	filesystems, persistent []string
}

var flatpakApps = []flatpakApp{
	{id: "org.chromium.Chromium", name: "Chromium", filesystems: []string{"home"}},
	{id: "com.google.Chrome", name: "Google Chrome"},
	{id: "io.github.ungoogled_software.ungoogled_chromium", name: "ungoogled-chromium", persistent: []string{".pki"}},
}

// chromiumXDGNSS is the first Chromium version that falls back to
// $XDG_DATA_HOME/pki/nssdb (chromium docs/linux/cert_management.md).
const chromiumXDGNSS = 146

// FlatpakBrowser is a Flatpak build of Chromium or Chrome installed on this
// machine and the NSS database its sandbox opens.
type FlatpakBrowser struct {
	ID   string // the Flatpak application ID, e.g. com.google.Chrome
	Name string // the browser, e.g. Google Chrome
	// App is the installation's folder of the app that was found.
	App string
	// Version is the Chromium major version from the app's metainfo; 0
	// when it cannot be read, which is taken as a current build.
	Version int
	// DB is the host folder of the NSS database the browser opens, which
	// rtdev trust install writes (creating it when it does not exist);
	// "" when the browser keeps it on the sandbox's temporary home.
	DB string
	// Fix is the command that gives a browser without DB one that
	// persists; "" when DB is set.
	Fix string
}

// FlatpakBrowsers lists the Flatpak Chromium builds installed for this
// user or system-wide (Env.Root prefixes /var/lib/flatpak), with the
// permissions their manifest and the override files give them. Only Linux
// has Flatpak.
func FlatpakBrowsers(env Env) []FlatpakBrowser {
	env = env.withDefaults()
	if env.GOOS != "linux" || env.home() == "" {
		return nil
	}
	var out []FlatpakBrowser
	for _, a := range flatpakApps {
		if b, ok := a.find(env); ok {
			out = append(out, b)
		}
	}
	return out
}

// flatpakInstallations are the user installation, searched first, and the
// default system one.
func flatpakInstallations(env Env) []string {
	return []string{
		filepath.Join(env.xdg("XDG_DATA_HOME", filepath.Join(".local", "share")), "flatpak"),
		env.sys("/var/lib/flatpak"),
	}
}

func (a flatpakApp) find(env Env) (FlatpakBrowser, bool) {
	for _, inst := range flatpakInstallations(env) {
		app := filepath.Join(inst, "app", a.id)
		if isDir(app) {
			b := FlatpakBrowser{ID: a.id, Name: a.name, App: app, Version: a.version(app)}
			a.resolve(env, &b)
			return b, true
		}
	}
	return FlatpakBrowser{}, false
}

// resolve sets the database the sandbox opens, or the fix when nothing it
// opens persists.
func (a flatpakApp) resolve(env Env, b *FlatpakBrowser) {
	home := env.home()
	appDir := filepath.Join(home, ".var", "app", a.id)
	hostPKI := filepath.Join(home, ".pki", "nssdb")
	filesystems, persistent := a.permissions(env)
	// pki is the host folder behind the sandbox's ~/.pki/nssdb; --persist
	// only applies when the home is not shared (flatpak-run(1)).
	var pki string
	switch {
	case sharesPKI(filesystems, home):
		pki = hostPKI
	case persistent[".pki"]:
		pki = filepath.Join(appDir, ".pki", "nssdb")
	}
	legacy := b.Version > 0 && b.Version < chromiumXDGNSS
	switch {
	case pki != "" && (legacy || isDir(pki)):
		b.DB = pki
	case !legacy:
		b.DB = filepath.Join(appDir, "data", "pki", "nssdb")
	case isDir(hostPKI):
		// Share the database rtdev already writes for Chromium on the host.
		b.Fix = "flatpak override --user --filesystem=~/.pki " + a.id
	default:
		// A persisted folder of the app's own: sharing an empty ~/.pki
		// would let the app create ~/.pki/nssdb, and Chromium 146+ on the
		// host would then switch to that folder from the one it uses.
		b.Fix = "flatpak override --user --persist=.pki " + a.id
	}
}

// permissions are the app's filesystems (true: granted, false: taken away)
// and persisted folders: the manifest's, then each override file, a later
// one winning, in the order Flatpak applies them: system before user,
// global before the app's own.
func (a flatpakApp) permissions(env Env) (map[string]bool, map[string]bool) {
	filesystems, persistent := map[string]bool{}, map[string]bool{}
	for _, f := range a.filesystems {
		filesystems[f] = true
	}
	for _, p := range a.persistent {
		persistent[p] = true
	}
	insts := flatpakInstallations(env)
	for _, inst := range []string{insts[1], insts[0]} {
		for _, name := range []string{"global", a.id} {
			for _, g := range readKeyfile(filepath.Join(inst, "overrides", name)) {
				if g.name != "Context" {
					continue
				}
				v, _ := g.get("filesystems")
				for _, f := range keyfileList(v) {
					if neg, ok := strings.CutPrefix(f, "!"); ok {
						filesystems[neg] = false
					} else {
						filesystems[f] = true
					}
				}
				v, _ = g.get("persistent")
				for _, p := range keyfileList(v) {
					persistent[p] = true
				}
			}
		}
	}
	return filesystems, persistent
}

// keyfileList splits a GKeyFile string list ("home;~/.pki:create;").
func keyfileList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// sharesPKI reports whether a granted filesystem exposes the host's
// ~/.pki/nssdb: host, home, or ~/.pki or that folder itself, written as
// ~/..., home/... or an absolute path, with or without :ro, :rw or :create.
func sharesPKI(filesystems map[string]bool, home string) bool {
	for f, granted := range filesystems {
		if !granted {
			continue
		}
		if i := strings.LastIndexByte(f, ':'); i >= 0 {
			f = f[:i]
		}
		if f == "host" {
			return true
		}
		var rel string
		switch {
		case f == "home" || f == "~":
		case strings.HasPrefix(f, "~/"):
			rel = f[2:]
		case strings.HasPrefix(f, "home/"):
			rel = f[5:]
		case filepath.IsAbs(f):
			r, err := filepath.Rel(home, f)
			if err != nil || r == ".." || strings.HasPrefix(r, "../") {
				continue
			}
			rel = r
		default:
			continue
		}
		switch filepath.Clean("/" + rel) {
		case "/", "/.pki", "/.pki/nssdb":
			return true
		}
	}
	return false
}

// version reads the Chromium major version from the first release in the
// deployed app's metainfo (flathub lists the newest first).
func (a flatpakApp) version(app string) int {
	files := filepath.Join(app, "current", "active", "files", "share")
	for _, p := range []string{
		filepath.Join(files, "metainfo", a.id+".metainfo.xml"),
		filepath.Join(files, "appdata", a.id+".appdata.xml"),
	} {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		v := firstRelease(io.LimitReader(f, maxKeyfile))
		f.Close()
		return v
	}
	return 0
}

// firstRelease is the major number of the first <release version="...">.
func firstRelease(r io.Reader) int {
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err != nil {
			return 0
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "release" {
			continue
		}
		for _, at := range se.Attr {
			if at.Name.Local == "version" {
				major, _, _ := strings.Cut(at.Value, ".")
				n, err := strconv.Atoi(major)
				if err != nil || n < 0 {
					return 0
				}
				return n
			}
		}
		return 0
	}
}
