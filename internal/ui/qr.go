package ui

import "strings"

// QRBlocks draws a size×size QR code (quiet zone included) in Unicode half
// blocks, two module rows per line, so it fits a terminal at half the
// height of full blocks. dark reports a module; rows past the bottom are
// light. Each line is rendered with st.QR, dark modules in the foreground:
// on a plain Styles (no colour) the lines come back undecorated, and
// the caller should not print them, since a terminal's own colours may
// invert the code.
func (st Styles) QRBlocks(size int, dark func(x, y int) bool) string {
	var b strings.Builder
	for y := 0; y < size; y += 2 {
		var line strings.Builder
		for x := range size {
			top, bottom := dark(x, y), y+1 < size && dark(x, y+1)
			switch {
			case top && bottom:
				line.WriteString("█")
			case top:
				line.WriteString("▀")
			case bottom:
				line.WriteString("▄")
			default:
				line.WriteString(" ")
			}
		}
		b.WriteString(st.QR.Render(line.String()))
		b.WriteByte('\n')
	}
	return b.String()
}
