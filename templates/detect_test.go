package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // targets, in order
		rsa   string   // the target that must carry RequiresRSA
	}{
		{"empty", nil, nil, ""},
		{"vite", map[string]string{"package.json": `{"devDependencies":{"vite":"^8"}}`}, []string{"vite"}, ""},
		{"sveltekit", map[string]string{"package.json": `{"devDependencies":{"@sveltejs/kit":"^3","vite":"^8"}}`, "vite.config.ts": ""}, []string{"vite"}, ""},
		{"nuxt wins over vite", map[string]string{"package.json": `{"dependencies":{"nuxt":"^4","vite":"^8"}}`, "nuxt.config.ts": ""}, []string{"nuxt"}, ""},
		{"astro by config file", map[string]string{"astro.config.mjs": "", "vite.config.js": ""}, []string{"astro"}, ""},
		{"next", map[string]string{"package.json": `{"dependencies":{"next":"16","react":"19"}}`}, []string{"next", "next-config"}, ""},
		{"next by config file", map[string]string{"next.config.mjs": ""}, []string{"next", "next-config"}, ""},
		{"cra", map[string]string{"package.json": `{"dependencies":{"react-scripts":"5.0.1"}}`}, []string{"cra"}, "cra"},
		{"angular", map[string]string{"angular.json": "{}"}, []string{"angular"}, ""},
		{"peerjs app", map[string]string{"package.json": `{"dependencies":{"peerjs":"1.5.5","peer":"1.0.2","ws":"8"}}`}, []string{"peerjs", "peerjs-server", "node-ws"}, ""},
		{"python requirements", map[string]string{"requirements.txt": "aiohttp\nwebsockets>=14\n"}, []string{"python-websockets"}, ""},
		{"python websockets-extra is not websockets", map[string]string{"requirements.txt": "websocketsx\n"}, nil, ""},
		{"pyproject", map[string]string{"pyproject.toml": "[project]\ndependencies = [\"websockets>=15\"]\n"}, []string{"python-websockets"}, ""},
		{"ratchet", map[string]string{"composer.json": `{"require":{"cboden/ratchet":"^0.4"}}`}, []string{"ratchet"}, ""},
		{"centrifugo v6", map[string]string{"config.json": `{"client":{"token":{"hmac_secret_key":"x"}},"http_server":{"port":8000}}`}, []string{"centrifugo-v6"}, ""},
		{"centrifugo v5", map[string]string{"config.json": `{"token_hmac_secret_key":"x","allowed_origins":["*"]}`}, []string{"centrifugo-v5"}, ""},
		{"other config.json", map[string]string{"config.json": `{"theme":"dark"}`}, nil, ""},
		{"go", map[string]string{"go.mod": "module x\n"}, []string{"go"}, ""},
		{"kestrel", map[string]string{"App.csproj": `<Project Sdk="Microsoft.NET.Sdk.Web"></Project>`}, []string{"kestrel"}, ""},
		{"spring", map[string]string{"pom.xml": "<artifactId>spring-boot-starter-web</artifactId>"}, []string{"spring-boot"}, ""},
		{"dart", map[string]string{"pubspec.yaml": "dependencies:\n  centrifuge: ^0.16.0\n"}, []string{"centrifuge-dart"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Detect(dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, d := range got {
				names = append(names, d.Target)
				if d.Because == "" {
					t.Errorf("%s: no reason", d.Target)
				}
				if _, ok := Lookup(d.Target); !ok {
					t.Errorf("detected %q is not a target", d.Target)
				}
				if d.RequiresRSA != (d.Target == tt.rsa) {
					t.Errorf("%s: RequiresRSA = %v", d.Target, d.RequiresRSA)
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %q, want %q", names, tt.want)
			}
		})
	}
}

func TestDetectBadPackageJSON(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"dependencies":`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Detect(dir); err == nil || !strings.Contains(err.Error(), "package.json") {
		t.Fatalf("err = %v, want a package.json parse error", err)
	}
}
