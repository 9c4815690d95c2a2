package trust

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"
)

// maxKeyfile bounds what rtdev reads of an INI-style file it did not write
// (Firefox's profiles.ini, Flatpak's override and metadata keyfiles): a real
// one is a few hundred bytes.
const maxKeyfile = 1 << 20

// keyfileGroup is one [section] of an INI-style file, keys in file order.
type keyfileGroup struct {
	name string
	keys [][2]string
}

// get returns the last value of key, as the desktop-entry keyfile format
// Flatpak uses (GKeyFile) and Firefox's parser both let a later line win.
func (g keyfileGroup) get(key string) (string, bool) {
	v, ok := "", false
	for _, kv := range g.keys {
		if kv[0] == key {
			v, ok = kv[1], true
		}
	}
	return v, ok
}

// readKeyfile parses the groups of an INI-style file: comments start with
// ; or #, keys and values are trimmed, lines outside a group are dropped. A
// missing or unreadable file has no groups.
func readKeyfile(path string) []keyfileGroup {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyfile))
	if err != nil {
		return nil
	}
	var groups []keyfileGroup
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == ';' || line[0] == '#':
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			groups = append(groups, keyfileGroup{name: line[1 : len(line)-1]})
		case len(groups) > 0:
			if k, v, ok := strings.Cut(line, "="); ok {
				g := &groups[len(groups)-1]
				g.keys = append(g.keys, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
			}
		}
	}
	return groups
}
