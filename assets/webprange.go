package assets

import (
	"image"
	"math"
)

// VP8, the codec of lossy WebP, stores BT.601 "studio range" YCbCr: luma
// 16..235, chroma 16..240 around 128. x/image/webp returns those samples
// in an image.YCbCr, which package image (and so every later step: the
// colour conversion, the JPEG encoder) takes for JPEG's full range. As
// decoded, a lossy WebP would come out greyed, its black at 16 and its
// white at 235, where libwebp, and so a browser, shows 0 and 255.

// studioToFull holds the two widening tables: luma (v-16)·255/219,
// chroma 128 + (v-128)·255/224, rounded and clipped.
var studioToFull = func() (t [2][256]byte) {
	widen := func(v, zero, span float64) byte {
		return byte(min(max(math.Round(zero+v*255/span), 0), 255))
	}
	for v := range 256 {
		t[0][v] = widen(float64(v-16), 0, 219)
		t[1][v] = widen(float64(v-128), 128, 224)
	}
	return t
}()

// widenRange rewrites the samples of a decoded lossy WebP (an *image.YCbCr,
// or an *image.NYCbCrA when it has alpha) from studio to full range, in
// place. Other images are left alone.
func widenRange(m image.Image) {
	var ycc *image.YCbCr
	switch m := m.(type) {
	case *image.YCbCr:
		ycc = m
	case *image.NYCbCrA:
		ycc = &m.YCbCr
	default:
		return
	}
	y, cb, cr := planesOf(ycc)
	remapPlane(y, &studioToFull[0])
	remapPlane(cb, &studioToFull[1])
	remapPlane(cr, &studioToFull[1])
}

// remapPlane replaces every sample v of p with table[v].
func remapPlane(p plane, table *[256]byte) {
	for row := range p.h {
		r := p.row(row)
		for i, v := range r {
			r[i] = table[v]
		}
	}
}
