package wsl

import "strings"

// ini is a parsed /etc/wsl.conf or .wslconfig: section -> key -> value, all
// names lowercased. WSL reads both as INI files with [section] headers,
// key = value lines and # or ; comments.
type ini map[string]map[string]string

func parseINI(text string) ini {
	out := ini{}
	section := ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			section = strings.ToLower(strings.TrimSpace(line[1 : len(line)-1]))
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			if out[section] == nil {
				out[section] = map[string]string{}
			}
			v = strings.TrimSpace(v)
			if i := strings.IndexAny(v, "#;"); i >= 0 {
				v = strings.TrimSpace(v[:i])
			}
			out[section][strings.ToLower(strings.TrimSpace(k))] = strings.Trim(v, `"`)
		}
	}
	return out
}

func (c ini) get(section, key string) string { return c[section][strings.ToLower(key)] }
