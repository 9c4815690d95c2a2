package ui

import (
	"bytes"
	"strings"
	"testing"
)

func TestQRBlocks(t *testing.T) {
	// A 3×3 pattern: the odd last row is drawn as the top half of a line.
	m := [][]bool{{true, false, true}, {true, true, false}, {false, true, true}}
	dark := func(x, y int) bool { return m[y][x] }
	plain := NewStyles(nil, false).QRBlocks(3, dark)
	if want := "█▄▀\n ▀▀\n"; plain != want {
		t.Errorf("plain = %q, want %q", plain, want)
	}
	var buf bytes.Buffer
	colored := NewStyles(&buf, true).QRBlocks(3, dark)
	// Black (30) on bright white (107) on every line, reset after it.
	for _, line := range strings.Split(strings.TrimSuffix(colored, "\n"), "\n") {
		if !strings.Contains(line, "30") || !strings.Contains(line, "107") || !strings.HasSuffix(line, "\x1b[0m") {
			t.Errorf("line %q lacks black on white", line)
		}
	}
}
