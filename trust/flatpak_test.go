package trust

import (
	"path/filepath"
	"strings"
	"testing"
)

// metainfo is a flathub metainfo file whose newest release is version.
func metainfo(version string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application"><releases>
<release version="` + version + `" date="2026-02-01"><description></description></release>
<release version="140.0.1" date="2026-01-01"/>
</releases></component>`
}

func TestFlatpakBrowsers(t *testing.T) {
	const (
		chrome    = "com.google.Chrome"
		chromium  = "org.chromium.Chromium"
		ungoogled = "io.github.ungoogled_software.ungoogled_chromium"
		userApps  = "~/.local/share/flatpak/app/"
		sysApps   = "/var/lib/flatpak/app/"
		userOver  = "~/.local/share/flatpak/overrides/"
		sysOver   = "/var/lib/flatpak/overrides/"
		hostPKI   = "~/.pki/nssdb/cert9.db"
		meta      = "/current/active/files/share/metainfo/"
	)
	old := func(root, id string) string {
		return root + id + meta + id + ".metainfo.xml=" + metainfo("145.0.7632.159")
	}
	for _, tc := range []struct {
		name  string
		goos  string
		vars  map[string]string
		files []string // "~/" under HOME, "/" under Root; "dir/" makes a folder, "name=content" a file
		// want is "ID DB" per browser, DB under HOME, or "ID fix: COMMAND".
		want []string
	}{
		{"none installed", "linux", nil, []string{hostPKI}, nil},
		{"system Chrome: its data folder", "linux", nil, []string{sysApps + chrome + "/"},
			[]string{chrome + " .var/app/" + chrome + "/data/pki/nssdb"}},
		{"user Chromium without ~/.pki/nssdb", "linux", nil, []string{userApps + chromium + "/", "~/.pki/"},
			[]string{chromium + " .var/app/" + chromium + "/data/pki/nssdb"}},
		{"user installation under XDG_DATA_HOME", "linux", map[string]string{"XDG_DATA_HOME": "@/xdg"},
			[]string{"~/xdg/flatpak/app/" + chromium + "/", hostPKI},
			[]string{chromium + " .pki/nssdb"}},
		{"Chromium with home taken away by an override", "linux", nil,
			[]string{userApps + chromium + "/", hostPKI, userOver + chromium + "=[Context]\nfilesystems=!home;\n"},
			[]string{chromium + " .var/app/" + chromium + "/data/pki/nssdb"}},
		{"ungoogled-chromium: a persisted database wins", "linux", nil,
			[]string{userApps + ungoogled + "/", "~/.var/app/" + ungoogled + "/.pki/nssdb/"},
			[]string{ungoogled + " .var/app/" + ungoogled + "/.pki/nssdb"}},
		{"Chrome before 146: temporary home", "linux", nil, []string{old(sysApps, chrome)},
			[]string{chrome + " fix: flatpak override --user --persist=.pki " + chrome}},
		{"Chrome before 146 with a host database to share", "linux", nil, []string{old(sysApps, chrome), hostPKI},
			[]string{chrome + " fix: flatpak override --user --filesystem=~/.pki " + chrome}},
		{"Chrome before 146 sharing ~/.pki", "linux", nil,
			[]string{old(userApps, chrome), userOver + chrome + "=[Context]\nfilesystems=xdg-download;~/.pki:create;\n"},
			[]string{chrome + " .pki/nssdb"}},
		{"Chrome before 146 sharing ~/.pki by absolute path", "linux", nil,
			[]string{old(userApps, chrome), userOver + chrome + "=[Context]\nfilesystems=@/.pki/nssdb:ro;\n"},
			[]string{chrome + " .pki/nssdb"}},
		{"Chrome before 146 with a system-wide persist", "linux", nil,
			[]string{old(sysApps, chrome), sysOver + chrome + "=[Context]\npersistent=.pki;\n"},
			[]string{chrome + " .var/app/" + chrome + "/.pki/nssdb"}},
		{"global override for every app", "linux", nil,
			[]string{old(userApps, chromium), userOver + "global=[Context]\nfilesystems=!home;\n"},
			[]string{chromium + " fix: flatpak override --user --persist=.pki " + chromium}},
		{"user override wins over the system one", "linux", nil,
			[]string{old(userApps, chromium), sysOver + chromium + "=[Context]\nfilesystems=!home;\n",
				userOver + chromium + "=[Context]\nfilesystems=home;\n"},
			[]string{chromium + " .pki/nssdb"}},
		{"another section's keys do not count", "linux", nil,
			[]string{old(userApps, chrome), userOver + chrome + "=[Environment]\nfilesystems=home;\n"},
			[]string{chrome + " fix: flatpak override --user --persist=.pki " + chrome}},
		{"not on macOS", "darwin", nil, []string{userApps + chrome + "/"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := testEnv(t, tc.goos, 1000, newFake(t, nil), nil)
			home := env.home()
			abs := func(s string) string { return strings.ReplaceAll(s, "@", home) }
			vars := map[string]string{"HOME": home}
			for k, v := range tc.vars {
				vars[k] = abs(v)
			}
			env.Getenv = func(k string) string { return vars[k] }
			for _, f := range tc.files {
				name, content, _ := strings.Cut(f, "=")
				if rel, ok := strings.CutPrefix(name, "~/"); ok {
					name = filepath.Join(home, rel)
				} else {
					name = env.sys(name)
				}
				if strings.HasSuffix(f, "/") {
					mkdirs(t, name)
				} else {
					writeFile(t, name, abs(content))
				}
			}
			var got []string
			for _, b := range FlatpakBrowsers(env) {
				if b.DB == "" {
					got = append(got, b.ID+" fix: "+b.Fix)
					continue
				}
				rel, _ := filepath.Rel(home, b.DB)
				if b.Fix != "" {
					t.Errorf("%s has a database and a fix %q", b.ID, b.Fix)
				}
				got = append(got, b.ID+" "+filepath.ToSlash(rel))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("browsers:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestFirstRelease(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{metainfo("151.0.7922.173-1"), 151},
		{`<component><releases><release date="x"/><release version="150.1"/></releases></component>`, 0},
		{`<component><releases><release version="v151"/></releases></component>`, 0},
		{`<component><release version="-3"/>`, 0},
		{`<component>` + strings.Repeat("<a>", 1000), 0},
		{`not xml`, 0},
	} {
		if got := firstRelease(strings.NewReader(tc.in)); got != tc.want {
			t.Errorf("firstRelease(%.40q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
