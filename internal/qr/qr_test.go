package qr

import (
	"image"
	"image/color"
	"strings"
	"testing"

	goqr "github.com/piglig/go-qr"
)

// The modules, drawn as pixels, decode back to the text (the library's own
// decoder; the e2e tests decode with zbarimg too).
func TestRoundTrip(t *testing.T) {
	const url = "http://10.99.0.1:9000/rtdev/phone"
	c, err := Encode(url)
	if err != nil {
		t.Fatal(err)
	}
	const scale = 6
	img := image.NewGray(image.Rect(0, 0, c.Size()*scale, c.Size()*scale))
	for y := range c.Size() * scale {
		for x := range c.Size() * scale {
			v := color.Gray{Y: 255}
			if c.Dark(x/scale, y/scale) {
				v = color.Gray{Y: 0}
			}
			img.SetGray(x, y, v)
		}
	}
	got, err := goqr.Decode(img)
	if err != nil || got != url {
		t.Fatalf("decode: %q, %v; want %q", got, err, url)
	}
	for i := range QuietZone {
		for j := range c.Size() {
			if c.Dark(i, j) || c.Dark(j, i) || c.Dark(c.Size()-1-i, j) || c.Dark(j, c.Size()-1-i) {
				t.Fatalf("module in the quiet zone at %d/%d", i, j)
			}
		}
	}
}

func TestSVGEscapesTitle(t *testing.T) {
	c, err := Encode("x")
	if err != nil {
		t.Fatal(err)
	}
	svg := c.SVG(`a"<b>`)
	if strings.Contains(svg, `a"<b>`) || !strings.Contains(svg, `aria-label="a&quot;&lt;b&gt;"`) || !strings.HasPrefix(svg, "<svg ") {
		t.Errorf("svg: %s", svg[:120])
	}
}
