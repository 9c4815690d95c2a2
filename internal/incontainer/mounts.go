package incontainer

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxMountInfo bounds what is read of mountinfo.
const maxMountInfo = 4 << 20

// imageFS are the file systems of a container's own layers and scratch
// space: a project there was made inside the container, not mounted from
// the host.
var imageFS = map[string]bool{"overlay": true, "aufs": true, "tmpfs": true, "fuse-overlayfs": true}

// ProjectMounted reports whether dir lies on a mount other than the
// container's root and image layers: a bind mount or volume, which is how
// compose (volumes: - .:/app), dev containers (/workspaces/NAME) and
// Codespaces bring the host's project in. A project on the root file
// system was made where rtdev runs, so its certificate set is this
// system's own (a machine that is itself a container, such as a cloud
// workstation, keeps its CA). mountinfo is /proc/self/mountinfo unless
// the Env names another.
func ProjectMounted(e Env, dir string) bool {
	path := e.MountInfo
	if path == "" {
		path = "/proc/self/mountinfo"
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	dir = filepath.Clean(dir)
	best, bestFS := "", ""
	sc := bufio.NewScanner(io.LimitReader(f, maxMountInfo))
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		point, fs, ok := parseMountLine(sc.Text())
		if !ok || !within(dir, point) || len(point) <= len(best) {
			continue
		}
		best, bestFS = point, fs
	}
	return best != "" && best != "/" && !imageFS[bestFS]
}

// parseMountLine returns a mountinfo line's mount point and file system
// type: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw".
func parseMountLine(line string) (point, fstype string, ok bool) {
	fields := strings.Fields(line)
	sep := -1
	for i, f := range fields {
		if f == "-" {
			sep = i
			break
		}
	}
	if len(fields) < 5 || sep < 5 || sep+1 >= len(fields) {
		return "", "", false
	}
	return unescapeOctal(fields[4]), fields[sep+1], true
}

// unescapeOctal undoes mountinfo's \ooo escapes (a space is \040).
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// within reports whether dir is point or below it.
func within(dir, point string) bool {
	if point == "/" {
		return true
	}
	return dir == point || strings.HasPrefix(dir, point+"/")
}
