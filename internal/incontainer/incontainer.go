package incontainer

import (
	"os"
	"path/filepath"
)

// Kind names what rtdev runs inside; "" is the host itself.
type Kind string

const (
	Docker       Kind = "a Docker container"
	Podman       Kind = "a Podman container"
	DevContainer Kind = "a dev container"
	Codespace    Kind = "a GitHub Codespace"
)

// Env is what Detect reads: a root folder ("/" on a real system; tests
// pass their own) and the environment.
type Env struct {
	Root   string
	Getenv func(string) string
	// MountInfo is the mount table to read, /proc/self/mountinfo unless set.
	MountInfo string
}

// Detect reports what rtdev runs inside. The tools' variables come first,
// since they say more than the engine's files: VS Code Dev Containers and
// DevPod set REMOTE_CONTAINERS=true, Codespaces CODESPACES=true. Then the
// files: Docker creates /.dockerenv in every container it runs, Podman
// /run/.containerenv. A variable alone is enough (a dev container's
// engine may leave no file), and so is a file alone.
func Detect(e Env) Kind {
	get := e.Getenv
	if get == nil {
		get = os.Getenv
	}
	root := e.Root
	if root == "" {
		root = "/"
	}
	switch {
	case get("CODESPACES") == "true":
		return Codespace
	case get("REMOTE_CONTAINERS") == "true":
		return DevContainer
	case exists(filepath.Join(root, ".dockerenv")):
		return Docker
	case exists(filepath.Join(root, "run", ".containerenv")):
		return Podman
	}
	return ""
}

// Borrowed reports whether the certificate set of the project in dir
// belongs to a host: rtdev runs inside a container and the project came
// in on a mount. Then rtdev uses that set and never makes a CA here.
func Borrowed(e Env, dir string) (Kind, bool) {
	k := Detect(e)
	if k == "" || !ProjectMounted(e, dir) {
		return k, false
	}
	return k, true
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
