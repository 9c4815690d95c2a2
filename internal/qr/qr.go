package qr

import (
	"fmt"
	"strings"

	goqr "github.com/piglig/go-qr"
)

// QuietZone is the light border around the code, in modules: ISO/IEC 18004
// asks for four, and scanners read a code drawn flush to a dark terminal
// background badly without it.
const QuietZone = 4

// Code is the modules of one QR code, quiet zone included.
type Code struct {
	size int
	dark []bool
}

// Encode makes the code for text at error correction level M, enough for a
// camera pointed at a screen (ISO/IEC 18004: about 15% of the modules
// may be lost).
func Encode(text string) (*Code, error) {
	q, err := goqr.EncodeText(text, goqr.Medium)
	if err != nil {
		return nil, fmt.Errorf("encode QR code: %w", err)
	}
	n := q.Size()
	c := &Code{size: n + 2*QuietZone, dark: make([]bool, (n+2*QuietZone)*(n+2*QuietZone))}
	for y := range n {
		for x := range n {
			c.dark[(y+QuietZone)*c.size+x+QuietZone] = q.Module(x, y)
		}
	}
	return c, nil
}

// Size is the width (and height) in modules, quiet zone included.
func (c *Code) Size() int { return c.size }

// Dark reports whether the module at x, y is dark; outside the code, false.
func (c *Code) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= c.size || y >= c.size {
		return false
	}
	return c.dark[y*c.size+x]
}

// SVG draws the code as an inline <svg>: a white square and one path of
// dark modules, crispEdges so no scaler blurs module edges. It is safe to
// put into HTML as is (no text of the input appears in it).
func (c *Code) SVG(title string) string {
	var p strings.Builder
	for y := range c.size {
		for x := range c.size {
			if c.Dark(x, y) {
				fmt.Fprintf(&p, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="%s">`+
		`<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		c.size, c.size, escapeAttr(title), c.size, c.size, p.String())
}

// escapeAttr makes s safe inside a double-quoted XML attribute.
func escapeAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}
