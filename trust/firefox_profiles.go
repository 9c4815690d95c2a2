package trust

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// profilesINI returns the profile folders listed in a Firefox profiles.ini:
// Path= relative to the ini's folder when IsRelative=1 (the default Firefox
// writes), absolute otherwise. A missing or unreadable file lists nothing.
func profilesINI(root string) []string {
	data, err := os.ReadFile(filepath.Join(root, "profiles.ini"))
	if err != nil {
		return nil
	}
	var (
		out      []string
		section  string
		path     string
		relative = true
	)
	flush := func() {
		if strings.HasPrefix(section, "Profile") && path != "" {
			p := filepath.FromSlash(path)
			if relative {
				p = filepath.Join(root, p)
			}
			out = append(out, filepath.Clean(p))
		}
		path, relative = "", true
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == ';' || line[0] == '#':
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			flush()
			section = line[1 : len(line)-1]
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "Path":
				path = strings.TrimSpace(v)
			case "IsRelative":
				relative = strings.TrimSpace(v) != "0"
			}
		}
	}
	flush()
	return out
}
