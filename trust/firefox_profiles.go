package trust

import (
	"path/filepath"
	"strings"
)

// profilesINI returns the profile folders listed in a Firefox profiles.ini:
// Path= relative to the ini's folder when IsRelative=1 (the default Firefox
// writes), absolute otherwise. A missing or unreadable file lists nothing.
func profilesINI(root string) []string {
	var out []string
	for _, g := range readKeyfile(filepath.Join(root, "profiles.ini")) {
		path, _ := g.get("Path")
		if !strings.HasPrefix(g.name, "Profile") || path == "" {
			continue
		}
		p := filepath.FromSlash(path)
		if rel, ok := g.get("IsRelative"); !ok || rel != "0" {
			p = filepath.Join(root, p)
		}
		out = append(out, filepath.Clean(p))
	}
	return out
}
