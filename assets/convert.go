package assets

import (
	"image"
	"image/color"
	"math/bits"
)

// rowReader writes row y of an image as 8-bit RGB triples, composited over
// white: JPEG has no alpha, and a transparent PNG should look like it does
// on a white page, not turn black.
type rowReader func(y int, rgb []byte)

// rowsOf returns a rowReader for m, reading the pixel buffer directly for
// the layouts PNG decoders usually produce and falling back to RGBA64At
// for the rest (16-bit, paletted, CMYK, WebP with alpha). m must be one of
// the standard library's image types, as every decoder in use returns.
func rowsOf(m image.Image) rowReader {
	r := m.Bounds()
	switch m := m.(type) {
	case *image.NRGBA:
		return func(y int, rgb []byte) {
			px := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):]
			for x := range r.Dx() {
				p := px[4*x : 4*x+4 : 4*x+4]
				a := uint(p[3])
				for c := range 3 {
					rgb[3*x+c] = byte((uint(p[c])*a + 255*(255-a) + 127) / 255)
				}
			}
		}
	case *image.RGBA:
		return func(y int, rgb []byte) {
			px := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):]
			for x := range r.Dx() {
				p := px[4*x : 4*x+4 : 4*x+4]
				white := 255 - p[3] // premultiplied: colour plus the white left uncovered
				rgb[3*x], rgb[3*x+1], rgb[3*x+2] = p[0]+white, p[1]+white, p[2]+white
			}
		}
	case *image.Gray:
		return func(y int, rgb []byte) {
			px := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):][:r.Dx()]
			for x, v := range px {
				rgb[3*x], rgb[3*x+1], rgb[3*x+2] = v, v, v
			}
		}
	}
	// Every image type of the standard library has RGBA64At, which
	// returns a concrete colour: At would allocate one interface value per
	// pixel, 50 million of them for a 16-bit 50 MP PNG.
	deep := m.(image.RGBA64Image)
	return func(y int, rgb []byte) {
		for x := range r.Dx() {
			c := deep.RGBA64At(r.Min.X+x, r.Min.Y+y)
			a := uint32(c.A)
			rgb[3*x] = byte((uint32(c.R) + 0xffff - a) >> 8)
			rgb[3*x+1] = byte((uint32(c.G) + 0xffff - a) >> 8)
			rgb[3*x+2] = byte((uint32(c.B) + 0xffff - a) >> 8)
		}
	}
}

// toYCbCr converts any image to a 4:4:4 YCbCr image shrunk by the box
// factor k, a power of two (each output pixel the mean of a k×k block), so that the
// resampler has one input type and a large RGB image is never copied at
// full size.
func toYCbCr(m image.Image, k int) *image.YCbCr {
	r := m.Bounds()
	w, h := (r.Dx()+k-1)/k, (r.Dy()+k-1)/k
	dst := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
	read := rowsOf(m)
	shift := bits.TrailingZeros(uint(k))
	rgb := make([]byte, 3*r.Dx())
	sums := make([]uint32, 3*w)
	for y := 0; y < r.Dy(); y += k {
		clear(sums)
		rows := min(k, r.Dy()-y)
		for dy := range rows {
			read(y+dy, rgb)
			for x := range r.Dx() {
				s := sums[3*(x>>shift):][:3]
				p := rgb[3*x:][:3]
				s[0], s[1], s[2] = s[0]+uint32(p[0]), s[1]+uint32(p[1]), s[2]+uint32(p[2])
			}
		}
		writeRow(dst, y/k, sums, rows, k, r.Dx())
	}
	return dst
}

// writeRow stores one row of block sums as YCbCr. A block at the right edge
// may be narrower than k, so each one is divided by its own pixel count.
func writeRow(dst *image.YCbCr, y int, sums []uint32, rows, k, srcW int) {
	for x := range dst.Rect.Dx() {
		n := uint32(rows * min(k, srcW-x*k))
		s := sums[3*x : 3*x+3 : 3*x+3]
		cy, cb, cr := color.RGBToYCbCr(byte((s[0]+n/2)/n), byte((s[1]+n/2)/n), byte((s[2]+n/2)/n))
		i := y*dst.YStride + x
		dst.Y[i], dst.Cb[i], dst.Cr[i] = cy, cb, cr
	}
}
