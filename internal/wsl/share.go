package wsl

import "strings"

// sharePrefixes are the UNC hosts under which Windows shows the files of a
// WSL distribution: \\wsl.localhost\ since Windows build 21354, \\wsl$\
// before it and still accepted.
var sharePrefixes = []string{`\\wsl.localhost\`, `\\wsl$\`, `\\?\unc\wsl.localhost\`, `\\?\unc\wsl$\`}

// SharePath reads a Windows path into a WSL distribution
// (\\wsl.localhost\Ubuntu\home\me\app, also written with forward slashes)
// as the distribution's name and the path inside it (/home/me/app). It is
// pure string work, so it runs the same on every OS.
func SharePath(p string) (distro, inside string, ok bool) {
	s := strings.ReplaceAll(p, "/", `\`)
	lower := strings.ToLower(s)
	for _, pre := range sharePrefixes {
		if !strings.HasPrefix(lower, pre) {
			continue
		}
		rest := s[len(pre):]
		distro, inside, _ = strings.Cut(rest, `\`)
		if distro == "" {
			return "", "", false
		}
		return distro, "/" + strings.Trim(strings.ReplaceAll(inside, `\`, "/"), "/"), true
	}
	return "", "", false
}
