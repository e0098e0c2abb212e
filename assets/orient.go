package assets

import "image"

// walk describes how an EXIF orientation maps the upright image onto the
// stored one: where the upright image's first pixel is in the stored
// image, and which way one step right and one step down go there.
type walk struct {
	transposed   bool // width and height swap (orientations 5 to 8)
	atRight      bool // starts in the stored image's right column
	atBottom     bool // starts in the stored image's bottom row
	stepX, stepY [2]int
}

// walkFor returns the walk for EXIF orientation o (2..8). For example 6
// ("rotate 90° clockwise to view") starts at the stored bottom-left, walks
// up the stored image to go right, and walks right to go down.
func walkFor(o int) walk {
	switch o {
	case 2:
		return walk{atRight: true, stepX: [2]int{-1, 0}, stepY: [2]int{0, 1}}
	case 3:
		return walk{atRight: true, atBottom: true, stepX: [2]int{-1, 0}, stepY: [2]int{0, -1}}
	case 4:
		return walk{atBottom: true, stepX: [2]int{1, 0}, stepY: [2]int{0, -1}}
	case 5:
		return walk{transposed: true, stepX: [2]int{0, 1}, stepY: [2]int{1, 0}}
	case 6:
		return walk{transposed: true, atBottom: true, stepX: [2]int{0, -1}, stepY: [2]int{1, 0}}
	case 7:
		return walk{transposed: true, atRight: true, atBottom: true, stepX: [2]int{0, -1}, stepY: [2]int{-1, 0}}
	case 8:
		return walk{transposed: true, atRight: true, stepX: [2]int{0, 1}, stepY: [2]int{-1, 0}}
	}
	return walk{stepX: [2]int{1, 0}, stepY: [2]int{0, 1}}
}

// orient returns the 4:2:0 image m turned upright according to EXIF
// orientation o. It runs on the small outputs, never the full-size photo,
// which is what makes honouring the tag nearly free.
func orient(m *image.YCbCr, o int) *image.YCbCr {
	if o < 2 || o > 8 {
		return m
	}
	wk := walkFor(o)
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if wk.transposed {
		w, h = h, w
	}
	dst := newYCbCr420(w, h)
	sy, scb, scr := planesOf(m)
	dy, dcb, dcr := planesOf(dst)
	remap(dy, sy, wk)
	remap(dcb, scb, wk)
	remap(dcr, scr, wk)
	return dst
}

// remap copies src into dst along walk wk, one plane at a time.
func remap(dst, src plane, wk walk) {
	x0, y0 := 0, 0
	if wk.atRight {
		x0 = src.w - 1
	}
	if wk.atBottom {
		y0 = src.h - 1
	}
	dx := wk.stepX[0] + wk.stepX[1]*src.stride
	dy := wk.stepY[0] + wk.stepY[1]*src.stride
	for y := range dst.h {
		i := y0*src.stride + x0 + y*dy
		for x, out := 0, dst.row(y); x < len(out); x++ {
			out[x] = src.pix[i]
			i += dx
		}
	}
}
