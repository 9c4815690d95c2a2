package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOnboardScript(t *testing.T) {
	for _, tc := range []struct {
		name, pkg string
		viteConf  string // a vite.config.mjs, when not empty
		plugin    bool
		want      []string
		not       []string
	}{
		{"dev script", `{"scripts":{"start":"node .","dev":"vite"}}`, "", false, []string{`echo "  npm run dev    # your app's dev server, now over HTTPS"`}, []string{"npm run start"}},
		{"start script", `{"scripts":{"start":"node ."}}`, "", false, []string{"npm run start"}, []string{"npm run dev"}},
		{"no package.json", "", "", false, nil, []string{"npm run"}},
		{"unparseable package.json", "{", "", false, nil, []string{"npm run"}},
		// The plugin starts rtdev serve with vite: the dev script is the
		// whole next step.
		{"vite plugin", `{"scripts":{"dev":"vite"}}`, "import rtdev from 'rtdev/vite'\nexport default { plugins: [rtdev()] }\n", true,
			[]string{`echo "  npm run dev    # your app over HTTPS; the rtdev Vite plugin starts the signaling server with it"`},
			[]string{" serve       # PeerJS", "to check everything"}},
		{"vite without the plugin", `{"scripts":{"dev":"vite"}}`, "export default {}\n", false, []string{"npm run dev    # your app's dev server"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.pkg != "" {
				if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(tc.pkg), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tc.viteConf != "" {
				if err := os.WriteFile(filepath.Join(dir, "vite.config.mjs"), []byte(tc.viteConf), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := OnboardScript(Onboard{Version: "1.2.3", Module: "example.com/rtdev", ProjectDir: dir, ServePort: 9443})
			if err != nil {
				t.Fatal(err)
			}
			s := string(b)
			want := append([]string{
				"#!/bin/sh\n",
				"RTDEV_VERSION=1.2.3\n",
				"RTDEV_WAY=''\n",
				"RTDEV_MODULE=example.com/rtdev\n",
				`go install "$RTDEV_MODULE@v$RTDEV_VERSION"`,
				`cd "$(dirname "$0")/.."`,
			}, tc.want...)
			if !tc.plugin {
				want = append(want, `echo "  $show serve       # PeerJS signaling on wss://localhost:9443"`,
					`echo "  open https://localhost:9443/rtdev/ to check everything"`)
			}
			for _, w := range want {
				if !strings.Contains(s, w) {
					t.Errorf("script lacks %q:\n%s", w, s)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(s, n) {
					t.Errorf("script has %q:\n%s", n, s)
				}
			}
		})
	}
}

// The release folder comes from a committed rtdev.toml: it reaches the
// script as one quoted word with the version filled in.
func TestOnboardScriptReleaseURL(t *testing.T) {
	b, err := OnboardScript(Onboard{Version: "1.2.3", Module: "m", Install: "release",
		ReleaseURL: "https://example.com/it's/$(id)/v{version}/", ProjectDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"RTDEV_WAY=release\n", `RTDEV_RELEASE_URL='https://example.com/it'\''s/$(id)/v1.2.3'` + "\n"} {
		if !strings.Contains(string(b), w) {
			t.Errorf("script lacks %q:\n%s", w, b)
		}
	}
	b, err = OnboardScript(Onboard{Version: "1.2.3", Module: "m", Install: "npm", ProjectDir: t.TempDir(), ServePort: 9000})
	if err != nil || !strings.Contains(string(b), `echo "  $show serve       # PeerJS`) {
		t.Errorf("npm projects run rtdev with npx: %v\n%s", err, b)
	}
}

// Run from standard input, the script tells its own file from a shell
// binary by the file's second line, which it compares with a copy: the
// two must stay the same line, or every run from a file would take the
// standard-input path.
func TestOnboardScriptKnowsItsSecondLine(t *testing.T) {
	b, err := OnboardScript(Onboard{Version: "1.2.3", Module: "m", ProjectDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 3)
	if want := `[ "$second" = "` + lines[1] + `" ]`; !strings.Contains(string(b), want) {
		t.Errorf("the script's from_file check lacks %q (line 2 is %q)", want, lines[1])
	}
}
