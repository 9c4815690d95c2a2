package incontainer

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		env   map[string]string
		want  Kind
	}{
		{"host", nil, nil, ""},
		{"docker", []string{".dockerenv"}, nil, Docker},
		{"podman", []string{"run/.containerenv"}, nil, Podman},
		{"vs code dev container", []string{".dockerenv"}, map[string]string{"REMOTE_CONTAINERS": "true"}, DevContainer},
		{"codespace", nil, map[string]string{"CODESPACES": "true", "REMOTE_CONTAINERS": "true"}, Codespace},
		{"a variable that is not true", nil, map[string]string{"REMOTE_CONTAINERS": "false"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for _, f := range tc.files {
				p := filepath.Join(root, f)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got := Detect(Env{Root: root, Getenv: func(k string) string { return tc.env[k] }})
			if got != tc.want {
				t.Errorf("Detect = %q, want %q", got, tc.want)
			}
		})
	}
}

// A mount table as a compose service with `volumes: [".:/app"]` sees it,
// with a space in a mount point.
const composeMounts = `619 540 0:52 / / rw,relatime master:290 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A
620 619 0:55 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
625 619 254:1 /home/dev/my\040app /app rw,relatime - ext4 /dev/vda1 rw
626 619 0:60 / /tmp rw - tmpfs tmpfs rw
627 619 254:1 /var/lib/docker/volumes/data/_data /data rw - ext4 /dev/vda1 rw
`

func TestProjectMounted(t *testing.T) {
	info := filepath.Join(t.TempDir(), "mountinfo")
	if err := os.WriteFile(info, []byte(composeMounts), 0o644); err != nil {
		t.Fatal(err)
	}
	e := Env{MountInfo: info}
	for dir, want := range map[string]bool{
		"/app":           true,
		"/app/web":       true,
		"/data/project":  true,
		"/src/project":   false, // the image's own layers
		"/tmp/project":   false, // scratch space
		"/application":   false, // a prefix of /app is no mount below it
		"/home/dev/proj": false,
	} {
		if got := ProjectMounted(e, dir); got != want {
			t.Errorf("ProjectMounted(%s) = %v, want %v", dir, got, want)
		}
	}
	// A machine that is itself a container, its projects on the root file
	// system (a cloud workstation): its own CA, not borrowed.
	if err := os.WriteFile(info, []byte("1 0 254:0 / / rw - ext4 /dev/vda rw\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, ".dockerenv"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if k, ok := Borrowed(Env{Root: root, MountInfo: info, Getenv: func(string) string { return "" }}, "/work/app"); ok || k != Docker {
		t.Errorf("Borrowed on a root-file-system project = %q, %v; want Docker, false", k, ok)
	}
	if err := os.WriteFile(info, []byte(composeMounts), 0o644); err != nil {
		t.Fatal(err)
	}
	if k, ok := Borrowed(Env{Root: root, MountInfo: info, Getenv: func(string) string { return "" }}, "/app"); !ok || k != Docker {
		t.Errorf("Borrowed on /app = %q, %v; want Docker, true", k, ok)
	}
}
