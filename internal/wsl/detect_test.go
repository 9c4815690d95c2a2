package wsl

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fakeRoot is a "/" with the given files.
func fakeRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func vars(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func noPath(string) (string, error) { return "", errors.New("not found") }

func TestDetect(t *testing.T) {
	const psOnC = "mnt/c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe"
	for _, tc := range []struct {
		name       string
		files      map[string]string
		env        map[string]string
		version    int
		powershell string // relative to the root; "" none
		interopOff bool
	}{
		{name: "plain linux", files: map[string]string{"proc/sys/kernel/osrelease": "6.12.48+deb13-amd64\n"}},
		{name: "wsl2 kernel, scrubbed environment", files: map[string]string{"proc/sys/kernel/osrelease": "5.15.167.4-microsoft-standard-WSL2\n", psOnC: ""},
			version: 2, powershell: psOnC},
		{name: "wsl1", files: map[string]string{"proc/sys/kernel/osrelease": "4.4.0-19041-Microsoft\n"}, env: map[string]string{"WSL_DISTRO_NAME": "Ubuntu"}, version: 1},
		{name: "custom wsl2 kernel, variables set", files: map[string]string{"proc/sys/kernel/osrelease": "6.6.0-custom\n"},
			env: map[string]string{"WSL_DISTRO_NAME": "Debian", "WSL_INTEROP": "/run/WSL/1_interop"}, version: 2},
		{name: "automount root moved", files: map[string]string{"proc/sys/kernel/osrelease": "5.15.0-microsoft-standard\n",
			"etc/wsl.conf": "[automount]\nroot = /win/  # moved\n", "win/c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe": ""},
			version: 2, powershell: "win/c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe"},
		{name: "interop off in wsl.conf", files: map[string]string{"proc/sys/kernel/osrelease": "5.15.0-microsoft-standard-WSL2\n",
			"etc/wsl.conf": "[interop]\nenabled=false\n"}, version: 2, interopOff: true},
		{name: "interop off for the session", files: map[string]string{"proc/sys/kernel/osrelease": "5.15.0-microsoft-standard-WSL2\n",
			"proc/sys/fs/binfmt_misc/WSLInterop": "disabled\ninterpreter /init\n"}, version: 2, interopOff: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := fakeRoot(t, tc.files)
			info := Detect(Env{Getenv: vars(tc.env), Root: root, LookPath: noPath})
			if info.Version != tc.version || info.InWSL() != (tc.version > 0) {
				t.Errorf("version = %d, want %d", info.Version, tc.version)
			}
			want := ""
			if tc.powershell != "" {
				want = filepath.Join(root, tc.powershell)
			}
			if info.PowerShell != want {
				t.Errorf("powershell = %q, want %q", info.PowerShell, want)
			}
			if (info.InteropOff != "") != tc.interopOff {
				t.Errorf("interop off = %q, want %v", info.InteropOff, tc.interopOff)
			}
			if info.Distro != tc.env["WSL_DISTRO_NAME"] {
				t.Errorf("distro = %q", info.Distro)
			}
		})
	}
}

// powershell.exe on PATH wins over drive C.
func TestDetectPowerShellOnPath(t *testing.T) {
	root := fakeRoot(t, map[string]string{"proc/sys/kernel/osrelease": "5.15.0-microsoft-standard-WSL2"})
	info := Detect(Env{Getenv: vars(nil), Root: root, LookPath: func(f string) (string, error) { return "/bin/" + f, nil }})
	if info.PowerShell != "/bin/powershell.exe" || info.WSLPath != "/bin/wslpath" {
		t.Errorf("info = %+v", info)
	}
}

func TestOnWindowsDrive(t *testing.T) {
	info := Info{Version: 2, Automount: "/mnt/"}
	for p, want := range map[string]string{"/mnt/c/Users/dev/rtdev": "C:", "/mnt/d": "D:", "/mnt/wsl/x": "", "/home/dev/.local/share/rtdev": "", "/mnt/c/../../home": ""} {
		got, ok := info.OnWindowsDrive(p)
		if got != want || ok != (want != "") {
			t.Errorf("OnWindowsDrive(%q) = %q, %v; want %q", p, got, ok, want)
		}
	}
	if d, ok := (Info{Automount: "/win/"}).OnWindowsDrive("/win/e/ca"); !ok || d != "E:" {
		t.Errorf("moved automount root: %q, %v", d, ok)
	}
}
