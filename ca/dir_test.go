package ca

import "testing"

func TestDefaultDir(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		goos string
		want string
	}{
		{"override wins", map[string]string{"RTDEV_CAROOT": "/srv/ca", "XDG_DATA_HOME": "/x", "HOME": "/h"}, "linux", "/srv/ca"},
		{"override on windows", map[string]string{"RTDEV_CAROOT": `D:\ca`, "LocalAppData": `C:\L`}, "windows", `D:\ca`},
		{"windows", map[string]string{"LocalAppData": `C:\Users\dev\AppData\Local`, "XDG_DATA_HOME": "/x"}, "windows", `C:\Users\dev\AppData\Local\rtdev`},
		{"windows trailing slash", map[string]string{"LocalAppData": `C:\L\`}, "windows", `C:\L\rtdev`},
		{"xdg on linux", map[string]string{"XDG_DATA_HOME": "/home/dev/data", "HOME": "/home/dev"}, "linux", "/home/dev/data/rtdev"},
		{"xdg on darwin", map[string]string{"XDG_DATA_HOME": "/Users/dev/data", "HOME": "/Users/dev"}, "darwin", "/Users/dev/data/rtdev"},
		{"relative xdg ignored", map[string]string{"XDG_DATA_HOME": "data", "HOME": "/home/dev"}, "linux", "/home/dev/.local/share/rtdev"},
		{"darwin", map[string]string{"HOME": "/Users/dev"}, "darwin", "/Users/dev/Library/Application Support/rtdev"},
		{"linux", map[string]string{"HOME": "/home/dev"}, "linux", "/home/dev/.local/share/rtdev"},
		{"freebsd", map[string]string{"HOME": "/home/dev"}, "freebsd", "/home/dev/.local/share/rtdev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultDir(func(k string) string { return tt.env[k] }, tt.goos)
			if err != nil || got != tt.want {
				t.Fatalf("DefaultDir = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		if d, err := DefaultDir(func(string) string { return "" }, goos); err == nil {
			t.Errorf("%s with an empty environment = %q, want an error", goos, d)
		}
	}
}
