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
		want      []string
		not       []string
	}{
		{"dev script", `{"scripts":{"start":"node .","dev":"vite"}}`, []string{`echo "  npm run dev    # your app's dev server, now over HTTPS"`}, []string{"npm run start"}},
		{"start script", `{"scripts":{"start":"node ."}}`, []string{"npm run start"}, []string{"npm run dev"}},
		{"no package.json", "", nil, []string{"npm run"}},
		{"unparseable package.json", "{", nil, []string{"npm run"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.pkg != "" {
				if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(tc.pkg), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := OnboardScript(Onboard{Version: "devel", Module: "example.com/rtdev", ProjectDir: dir, ServePort: 9443})
			if err != nil {
				t.Fatal(err)
			}
			s := string(b)
			want := append([]string{
				"#!/bin/sh\n",
				`RTDEV_VERSION="latest"`,
				`go install "example.com/rtdev@$RTDEV_VERSION"`,
				`cd "$(dirname "$0")/.."`,
				`echo "  rtdev serve       # PeerJS signaling on wss://localhost:9443"`,
				`echo "  open https://localhost:9443/rtdev/ to check everything"`,
			}, tc.want...)
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
	b, err := OnboardScript(Onboard{Version: "v1.2.3", Module: "m", ProjectDir: t.TempDir()})
	if err != nil || !strings.Contains(string(b), `RTDEV_VERSION="v1.2.3"`) {
		t.Errorf("a release pins itself: %v\n%s", err, b)
	}
}
