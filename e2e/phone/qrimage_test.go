//go:build linux

package phone

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

// sgr matches the ANSI colour sequences around each line of the code.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// terminalQR finds the half-block QR code in a terminal transcript and
// returns its modules, row by row: each character is two modules, top and
// bottom, dark where the foreground (black) is drawn.
func terminalQR(t *testing.T, transcript string) [][]bool {
	t.Helper()
	var rows [][]bool
	for _, line := range strings.Split(sgr.ReplaceAllString(transcript, ""), "\n") {
		line = strings.TrimRight(line, "\r")
		runes := []rune(line)
		if len(runes) < 21 || strings.Trim(line, " ▀▄█") != "" {
			if len(rows) > 0 {
				break // the code ended
			}
			continue
		}
		top, bottom := make([]bool, len(runes)), make([]bool, len(runes))
		for i, r := range runes {
			top[i] = r == '█' || r == '▀'
			bottom[i] = r == '█' || r == '▄'
		}
		rows = append(rows, top, bottom)
	}
	if len(rows) == 0 {
		t.Fatalf("no QR code in the output:\n%s", transcript)
	}
	return rows
}

// modulesPNG draws modules black on white, scale pixels each, with a quiet
// zone of four modules, into a PNG file under dir.
func modulesPNG(t *testing.T, dir string, rows [][]bool) string {
	t.Helper()
	const scale, quiet = 8, 4
	w, h := len(rows[0])+2*quiet, len(rows)+2*quiet
	img := image.NewGray(image.Rect(0, 0, w*scale, h*scale))
	for y := range h * scale {
		for x := range w * scale {
			mx, my := x/scale-quiet, y/scale-quiet
			v := color.Gray{Y: 255}
			if my >= 0 && my < len(rows) && mx >= 0 && mx < len(rows[my]) && rows[my][mx] {
				v = color.Gray{Y: 0}
			}
			img.SetGray(x, y, v)
		}
	}
	path := filepath.Join(dir, "terminal-qr.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// zbar decodes the one QR code in a PNG file with zbarimg.
func zbar(t *testing.T, pngPath string) string {
	t.Helper()
	// stdout only: zbarimg may complain on stderr about D-Bus, which
	// this machine does not run.
	cmd := exec.Command(testtool.Need(t, "zbarimg"), "--raw", "-q", "-Sdisable", "-Sqrcode.enable", pngPath)
	var errOut strings.Builder
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("zbarimg %s: %v\n%s", pngPath, err, errOut.String())
	}
	return strings.TrimSpace(string(out))
}

// zbarBytes writes a PNG (a screenshot) to dir and decodes it.
func zbarBytes(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return zbar(t, path)
}
