package testtool

import (
	"os"
	"path/filepath"
)

// standInFlatpak does to the override file what `flatpak override --user`
// does, and nothing else: it writes the app's keyfile in the user
// installation's overrides folder ($XDG_DATA_HOME/flatpak, else
// ~/.local/share/flatpak), each option as a ';'-terminated list in the
// [Context] group. Any other use fails, so a printed fix that is not such a
// command cannot pass.
const standInFlatpak = `#!/bin/sh
[ "$1" = override ] && [ "$2" = --user ] || { echo "stand-in flatpak: unexpected $*" >&2; exit 2; }
shift 2
fs= persist=
while [ $# -gt 1 ]; do
	case "$1" in
	--filesystem=*) fs="$fs${1#--filesystem=};" ;;
	--persist=*) persist="$persist${1#--persist=};" ;;
	*) echo "stand-in flatpak: unexpected option $1" >&2; exit 2 ;;
	esac
	shift
done
case "$1" in ""|-*) echo "stand-in flatpak: no application" >&2; exit 2 ;; esac
dir="${XDG_DATA_HOME:-$HOME/.local/share}/flatpak/overrides"
mkdir -p "$dir"
{
	echo "[Context]"
	if [ -n "$fs" ]; then echo "filesystems=$fs"; fi
	if [ -n "$persist" ]; then echo "persistent=$persist"; fi
} > "$dir/$1"
`

// StandInFlatpak writes a stand-in flatpak program into dir, for tests of
// the flatpak override commands rtdev prints (flatpak is not installed on
// the test machines), and returns its path. It takes no testing.TB so a
// testscript command can use it too.
func StandInFlatpak(dir string) (string, error) {
	p := filepath.Join(dir, "flatpak")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return p, os.WriteFile(p, []byte(standInFlatpak), 0o755)
}
