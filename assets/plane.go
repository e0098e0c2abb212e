package assets

import "image"

// plane is one 8-bit channel of an image (luma or one chroma component).
// Working on planes lets the pipeline shrink a decoded JPEG without ever
// converting its twelve million pixels to RGBA.
type plane struct {
	pix    []byte
	w, h   int
	stride int
}

// newPlane returns a zeroed, tightly packed w×h plane.
func newPlane(w, h int) plane {
	return plane{pix: make([]byte, w*h), w: w, h: h, stride: w}
}

// row returns the w bytes of row y.
func (p plane) row(y int) []byte {
	start := y * p.stride
	return p.pix[start : start+p.w]
}

// planesOf returns the luma and chroma planes of m, for any subsampling
// ratio and any bounds (a SubImage included). The chroma extent is derived
// from COffset so the ratio-specific rounding rules of package image are
// followed rather than restated.
func planesOf(m *image.YCbCr) (y, cb, cr plane) {
	r := m.Rect
	yo := m.YOffset(r.Min.X, r.Min.Y)
	y = plane{pix: m.Y[yo:], w: r.Dx(), h: r.Dy(), stride: m.YStride}
	co := m.COffset(r.Min.X, r.Min.Y)
	cw := m.COffset(r.Max.X-1, r.Min.Y) - co + 1
	ch := (m.COffset(r.Min.X, r.Max.Y-1)-co)/m.CStride + 1
	cb = plane{pix: m.Cb[co:], w: cw, h: ch, stride: m.CStride}
	cr = plane{pix: m.Cr[co:], w: cw, h: ch, stride: m.CStride}
	return y, cb, cr
}

// newYCbCr420 returns a w×h 4:2:0 image, the layout image/jpeg's encoder
// writes, so the encoder only has to copy samples.
func newYCbCr420(w, h int) *image.YCbCr {
	return image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
}
