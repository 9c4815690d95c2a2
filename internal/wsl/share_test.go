package wsl

import "testing"

func TestSharePath(t *testing.T) {
	for in, want := range map[string][2]string{
		`\\wsl.localhost\Ubuntu\home\me\my app`: {"Ubuntu", "/home/me/my app"},
		`\\wsl$\Debian\srv\app\`:                {"Debian", "/srv/app"},
		`//wsl.localhost/Ubuntu-24.04/home/me`:  {"Ubuntu-24.04", "/home/me"},
		`\\WSL$\Ubuntu`:                         {"Ubuntu", "/"},
		`\\?\UNC\wsl.localhost\Ubuntu\home`:     {"Ubuntu", "/home"},
	} {
		d, p, ok := SharePath(in)
		if !ok || d != want[0] || p != want[1] {
			t.Errorf("SharePath(%q) = %q, %q, %v; want %q, %q", in, d, p, ok, want[0], want[1])
		}
	}
	for _, in := range []string{`C:\Users\me\app`, `\\server\share\app`, `\\wsl.localhost\`, "/home/me/app", `\\wsl.localhostx\U\a`} {
		if d, p, ok := SharePath(in); ok {
			t.Errorf("SharePath(%q) = %q, %q: not a WSL path", in, d, p)
		}
	}
}
