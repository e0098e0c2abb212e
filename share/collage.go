package share

import (
	"bytes"
	"fmt"
	"image"
	"image/color"

	"github.com/disintegration/imaging"

	"github.com/weigong/weigong/catalog"
)

// The collage geometry: always 1080 px wide (what social apps show at full
// width), cells square, separated by thin white gutters. Quality 80, not
// the pipeline's 85: a collage is a link preview that the apps recompress
// anyway, and almost all of its time goes to image/jpeg's encoder, which
// is about 10% faster at 80 (BenchmarkCollage).
const (
	collageWidth   = 1080
	collageGutter  = 6
	collageQuality = 80
)

// Collage lays out 1..9 grid images (each 360x360) as social apps do: 1 →
// one large image; 2–4 → two columns; 5–9 → three columns, filled left to
// right and top to bottom (so 3 leaves the last cell of a 2×2 white). The
// image is 1080 px wide, white behind and between the cells, and its height
// is rows·cell + (rows−1)·gutter: 1080×1080 for 1, 3, 4 and 7–9 images,
// 1080×537 for 2, 1080×718 for 5 and 6. It returns JPEG bytes.
//
// It is built as a 4:2:0 YCbCr image, the layout image/jpeg encodes
// without converting colours, and grid images decoded from the pipeline's
// JPEGs are copied into it plane by plane.
func Collage(grids []image.Image) ([]byte, error) {
	if len(grids) < 1 || len(grids) > 9 {
		return nil, catalog.Errorf(catalog.Invalid, "a collage needs 1 to 9 images, not %d", len(grids))
	}
	cols, cell := gridColumns(len(grids)), collageCell(len(grids))
	canvas := whiteCanvas(CollageSize(len(grids)))
	for i, g := range grids {
		if g == nil || g.Bounds().Empty() {
			return nil, catalog.Errorf(catalog.Invalid, "collage image %d is empty", i+1)
		}
		at := image.Pt(i%cols*(cell+collageGutter), i/cols*(cell+collageGutter))
		placeCell(canvas, image.Rectangle{Min: at, Max: at.Add(image.Pt(cell, cell))}, g)
	}
	var buf bytes.Buffer
	if err := imaging.Encode(&buf, canvas, imaging.JPEG, imaging.JPEGQuality(collageQuality)); err != nil {
		return nil, fmt.Errorf("encoding collage: %w", err)
	}
	return buf.Bytes(), nil
}

// CollageSize returns the size in pixels of the collage of n images (1 to
// 9) as Collage lays it out, so that a page can state it (og:image:width
// and og:image:height) without rendering or reading the image.
func CollageSize(n int) (width, height int) {
	cols := gridColumns(n)
	rows := (max(n, 1) + cols - 1) / cols
	return collageWidth, rows*collageCell(n) + (rows-1)*collageGutter
}

// collageCell is the side of one square cell of the collage of n images.
func collageCell(n int) int {
	cols := gridColumns(n)
	return (collageWidth - (cols-1)*collageGutter) / cols
}

// whiteCanvas returns a w×h 4:2:0 image filled with white.
func whiteCanvas(w, h int) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	fill(m.Y, 0xFF)
	fill(m.Cb, 0x80)
	fill(m.Cr, 0x80)
	return m
}

// fill sets every byte of b to v by doubling copies, which run as memmove
// and take a tenth of the time of a byte loop over a 1080×1080 plane.
func fill(b []byte, v byte) {
	if len(b) == 0 {
		return
	}
	b[0] = v
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}

// placeCell draws src into the square cell r of dst, centre-cropped. In
// the nine-grid layouts a 360 px grid image only loses two pixels on each
// side to fit a 356 px cell, so a 4:2:0 source is copied without
// resampling; other sources and sizes go through imaging.Fill.
func placeCell(dst *image.YCbCr, r image.Rectangle, src image.Image) {
	if y, ok := src.(*image.YCbCr); ok && canCopy(y, r) {
		copyCentre(dst, r, y)
		return
	}
	filled := imaging.Fill(src, r.Dx(), r.Dy(), imaging.Center, imaging.CatmullRom)
	for y := range r.Dy() {
		for x := range r.Dx() {
			c := filled.NRGBAAt(x, y) // opaque: decoded JPEGs have no alpha
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			px, py := r.Min.X+x, r.Min.Y+y
			dst.Y[dst.YOffset(px, py)] = yy
			dst.Cb[dst.COffset(px, py)], dst.Cr[dst.COffset(px, py)] = cb, cr
		}
	}
}

// canCopy reports whether src can be centre-cropped into cell r by copying
// samples: both 4:2:0, src square and no smaller than the cell, and the
// crop and the cell starting on even coordinates so chroma samples line up.
func canCopy(src *image.YCbCr, r image.Rectangle) bool {
	b := src.Rect
	margin := b.Dx() - r.Dx()
	return src.SubsampleRatio == image.YCbCrSubsampleRatio420 && b.Dx() == b.Dy() &&
		margin >= 0 && margin%4 == 0 && b.Min.X%2 == 0 && b.Min.Y%2 == 0 &&
		r.Min.X%2 == 0 && r.Min.Y%2 == 0 && r.Dx()%2 == 0
}

// copyCentre copies the centre r.Dx()×r.Dy() of src into r, row by row.
func copyCentre(dst *image.YCbCr, r image.Rectangle, src *image.YCbCr) {
	off := src.Rect.Min.Add(image.Pt((src.Rect.Dx()-r.Dx())/2, (src.Rect.Dy()-r.Dy())/2))
	for y := range r.Dy() {
		d, s := dst.YOffset(r.Min.X, r.Min.Y+y), src.YOffset(off.X, off.Y+y)
		copy(dst.Y[d:d+r.Dx()], src.Y[s:])
	}
	for y := 0; y < r.Dy(); y += 2 {
		d, s := dst.COffset(r.Min.X, r.Min.Y+y), src.COffset(off.X, off.Y+y)
		copy(dst.Cb[d:d+r.Dx()/2], src.Cb[s:])
		copy(dst.Cr[d:d+r.Dx()/2], src.Cr[s:])
	}
}
