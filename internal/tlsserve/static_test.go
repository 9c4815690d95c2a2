package tlsserve

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// staticProject is a project tree as `rtdev init` leaves it, with the
// secrets a static root must never expose, and public/ for the app.
func staticProject(t *testing.T) (root, caDir string) {
	t.Helper()
	root = t.TempDir()
	caDir = filepath.Join(t.TempDir(), "ca")
	for path, body := range map[string]string{
		".rtdev/key.pem":       "KEY",
		".rtdev/cert.p12.pass": "PASS",
		".git/HEAD":            "ref: refs/heads/main",
		"rtdev.toml":           "hosts = []",
		"public/index.html":    "<h1>app</h1>",
		"public/.env":          "SECRET=1",
		"public/assets/app.js": "console.log(1)",
		"public/.hidden/x.txt": "hidden",
		"../ca/ca-key.pem":     "CAKEY",
	} {
		p := filepath.Join(root, path)
		if strings.HasPrefix(path, "../ca/") {
			p = filepath.Join(caDir, filepath.Base(path))
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Committed symlinks: one out of the root to /, one to the CA folder,
	// one inside the root (which is fine to follow).
	for link, target := range map[string]string{"public/root": "/", "public/ca": caDir, "public/js": "assets"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	return root, caDir
}

func TestStaticRefusesRootsHoldingSecrets(t *testing.T) {
	root, caDir := staticProject(t)
	secrets := []string{filepath.Join(root, ".rtdev"), caDir}
	for name, dir := range map[string]string{
		"project root (.git, .rtdev)": root,
		".rtdev itself":               filepath.Join(root, ".rtdev"),
		"the CA folder":               caDir,
		"an ancestor of the CA":       filepath.Dir(caDir),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := StaticHandler(dir, secrets...)
			var se *StaticRootError
			if !errors.As(err, &se) {
				t.Fatalf("StaticHandler(%s) = %v, want a StaticRootError", dir, err)
			}
			if dir == root && !strings.Contains(se.Hint(), filepath.Join(root, "public")) {
				t.Errorf("hint %q does not name the public/ subfolder", se.Hint())
			}
		})
	}
}

func TestStaticServesNoSecrets(t *testing.T) {
	root, caDir := staticProject(t)
	h, err := StaticHandler(filepath.Join(root, "public"), filepath.Join(root, ".rtdev"), caDir)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{
		"/index.html":        http.StatusMovedPermanently, // FileServer's canonical redirect to /
		"/":                  http.StatusOK,
		"/assets/app.js":     http.StatusOK,
		"/js/app.js":         http.StatusOK, // a link that stays inside the root
		"/.env":              http.StatusNotFound,
		"/.hidden/x.txt":     http.StatusNotFound,
		"/assets/../.env":    http.StatusNotFound,
		"/root/etc/passwd":   http.StatusNotFound,
		"/ca/ca-key.pem":     http.StatusNotFound,
		"/../.rtdev/key.pem": http.StatusNotFound,
		"/%2e%2e/rtdev.toml": http.StatusNotFound,
		"/%2ertdev/key.pem":  http.StatusNotFound,
	} {
		t.Run(path, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "http://localhost"+path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body, _ := io.ReadAll(rec.Body)
			if rec.Code != want {
				t.Fatalf("GET %s = %d %q, want %d", path, rec.Code, body, want)
			}
			for _, secret := range []string{"KEY", "PASS", "CAKEY", "SECRET", "ref: refs"} {
				if strings.Contains(string(body), secret) {
					t.Fatalf("GET %s served %q", path, body)
				}
			}
		})
	}
}

// http.ServeContent seeks in a static file twice: back to the start after
// sniffing the type of a file with no extension (LICENSE), and to the
// start of a Range (Safari asks for bytes=0-1 before it plays any media).
// Both must survive the wrapper that hides dot entries.
func TestStaticFilesSeek(t *testing.T) {
	root, caDir := staticProject(t)
	license := "MIT License\n\nPermission is hereby granted, free of charge, to any person\n"
	if err := os.WriteFile(filepath.Join(root, "public", "LICENSE"), []byte(license), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := StaticHandler(filepath.Join(root, "public"), filepath.Join(root, ".rtdev"), caDir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	get := func(path, rng string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if code, body := get("/LICENSE", ""); code != http.StatusOK || body != license {
		t.Errorf("GET /LICENSE = %d %q, want 200 and the file", code, body)
	}
	if code, body := get("/LICENSE", "bytes=0-9"); code != http.StatusPartialContent || body != license[:10] {
		t.Errorf("GET /LICENSE with Range bytes=0-9 = %d %q, want 206 %q", code, body, license[:10])
	}
	if code, body := get("/assets/app.js", "bytes=8-"); code != http.StatusPartialContent || body != "log(1)" {
		t.Errorf("GET /assets/app.js with Range bytes=8- = %d %q, want 206 %q", code, body, "log(1)")
	}
}
