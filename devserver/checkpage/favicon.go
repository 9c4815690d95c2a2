package checkpage

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"sync"
)

// faviconSize is the icon's width and height in pixels: what a tab shows
// on a high-density screen.
const faviconSize = 32

// Favicon is rtdev's icon as an ICO file holding one PNG image (the form
// every browser reads at /favicon.ico): two peers joined by a line on a
// rounded square. It is drawn in code so the repository holds no binary
// file, and made once.
var Favicon = sync.OnceValue(func() []byte {
	var img bytes.Buffer
	_ = png.Encode(&img, drawFavicon())
	// ICONDIR (reserved, type 1 = icon, one image) and one ICONDIRENTRY;
	// a width or height of 0 would mean 256.
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	le([3]uint16{0, 1, 1})
	le([4]uint8{faviconSize, faviconSize, 0, 0}) // width, height, no palette, reserved
	le([2]uint16{1, 32})                         // colour planes, bits per pixel
	le([2]uint32{uint32(img.Len()), 6 + 16})     // image size, offset after the headers
	b.Write(img.Bytes())
	return b.Bytes()
})

// drawFavicon paints the icon with coverage-based edges (4×4 samples a
// pixel), so it stays smooth at this size.
func drawFavicon() image.Image {
	bg := color.NRGBA{0x1d, 0x23, 0x30, 0xff} // the page's text colour
	fg := color.NRGBA{0x2d, 0xd4, 0x8f, 0xff}
	a, z := [2]float64{10, 22}, [2]float64{22, 10}
	inside := func(x, y float64) (square, mark bool) {
		// A square with corners of radius 7.
		dx := math.Max(math.Abs(x-16)-9, 0)
		dy := math.Max(math.Abs(y-16)-9, 0)
		square = math.Hypot(dx, dy) <= 7
		mark = math.Hypot(x-a[0], y-a[1]) <= 4.5 || math.Hypot(x-z[0], y-z[1]) <= 4.5 || segmentDist(x, y, a, z) <= 1.5
		return square, mark
	}
	img := image.NewNRGBA(image.Rect(0, 0, faviconSize, faviconSize))
	for py := range faviconSize {
		for px := range faviconSize {
			var sq, mk int
			for sy := range 4 {
				for sx := range 4 {
					s, m := inside(float64(px)+(float64(sx)+.5)/4, float64(py)+(float64(sy)+.5)/4)
					if s {
						sq++
						if m {
							mk++
						}
					}
				}
			}
			if sq == 0 {
				continue
			}
			mix := func(b, f uint8) uint8 { return uint8((int(b)*(sq-mk) + int(f)*mk) / sq) }
			img.SetNRGBA(px, py, color.NRGBA{mix(bg.R, fg.R), mix(bg.G, fg.G), mix(bg.B, fg.B), uint8(255 * sq / 16)})
		}
	}
	return img
}

// segmentDist is the distance from (x, y) to the segment from a to z.
func segmentDist(x, y float64, a, z [2]float64) float64 {
	vx, vy := z[0]-a[0], z[1]-a[1]
	t := ((x-a[0])*vx + (y-a[1])*vy) / (vx*vx + vy*vy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-(a[0]+t*vx), y-(a[1]+t*vy))
}

// ServeFavicon answers with Favicon. rtdev serve mounts it at /favicon.ico
// too, where browsers ask for a page's icon when it names none (the PeerJS
// info document, the "use https://" page), unless the app serves its own.
func ServeFavicon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/x-icon")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(Favicon())
}
