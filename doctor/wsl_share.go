package doctor

import (
	"strings"

	"github.com/rtdev/rtdev/internal/wsl"
)

// checkProjectInWSL names rtdev run on Windows itself on a project inside
// a WSL distribution (\\wsl.localhost\Ubuntu\home\me\app): that rtdev
// makes and trusts a CA of its own on the Windows side, a second CA the
// WSL side does not share, so certificates issued on one side fail on the
// other. The fix runs rtdev inside WSL, in the same folder, through a
// login shell: wsl.exe runs a command line in a plain non-login shell,
// whose PATH lacks ~/.local/bin, where rtdev's install puts it (a login
// shell reads ~/.profile, which adds it). Pure path logic: a Linux path
// never looks like this.
func checkProjectInWSL(root string) []Finding {
	distro, inside, ok := wsl.SharePath(root)
	if !ok {
		return nil
	}
	return []Finding{{ID: IDWSLProjectInWSL, Severity: SeverityError, Subject: root,
		Details: map[string]any{"distro": distro, "path": inside},
		Message: "this project is inside the WSL distribution " + distro + " but rtdev runs on Windows: it keeps a second CA on the Windows side that rtdev inside WSL does not share, so one side's certificates fail on the other; run rtdev inside WSL instead",
		Fix:     "wsl.exe -d " + psQuote(distro) + " --cd " + psQuote(inside) + " -e sh -lc " + psQuote("rtdev doctor")}}
}

// psQuote is one word for PowerShell, the Windows terminal's shell:
// single quotes keep $ and spaces literal; an inner single quote doubles.
func psQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
