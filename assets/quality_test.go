package assets

import (
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/disintegration/imaging"
)

// TestScaleYCbCr_MatchesLanczos ensures the fast path (2×2 box pre-shrink,
// then Catmull-Rom on the planes) stays close to what imaging's
// single-pass Lanczos makes from the full-size photo, and logs the PSNR of
// the other filters it was chosen against.
func TestScaleYCbCr_MatchesLanczos(t *testing.T) {
	src := photoLike(1008, 756, 11) // the 3.7× reduction of 4032 → 1080
	ref := imaging.Resize(src, 270, 203, imaging.Lanczos)
	for _, f := range []struct {
		name string
		f    imaging.ResampleFilter
	}{{"CatmullRom", imaging.CatmullRom}, {"Lanczos", imaging.Lanczos}, {"Linear", imaging.Linear}} {
		luma, rgb := psnr(ref, scaleWith(src, 270, 203, f.f))
		t.Logf("box pre-shrink + %s: luma %.1f dB, RGB %.1f dB (RGB includes 4:2:0 chroma)", f.name, luma, rgb)
		if f.name == "CatmullRom" && (luma < 45 || rgb < 34) {
			t.Errorf("production filter too far from Lanczos: luma %.1f dB, RGB %.1f dB", luma, rgb)
		}
	}
}

// scaleWith is scaleYCbCr with a choice of filter.
func scaleWith(src *image.YCbCr, w, h int, f imaging.ResampleFilter) *image.YCbCr {
	dst := newYCbCr420(w, h)
	sy, scb, scr := planesOf(src)
	dy, dcb, dcr := planesOf(dst)
	scalePlane(dy, sy, f)
	scalePlane(dcb, scb, f)
	scalePlane(dcr, scr, f)
	return dst
}

// psnr returns the peak signal-to-noise ratio of b against a, in luma and
// over the three RGB channels.
func psnr(a, b image.Image) (luma, rgb float64) {
	var se, seLuma float64
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := color.RGBAModel.Convert(a.At(x, y)).(color.RGBA)
			q := color.RGBAModel.Convert(b.At(x, y)).(color.RGBA)
			dr, dg, db := float64(p.R)-float64(q.R), float64(p.G)-float64(q.G), float64(p.B)-float64(q.B)
			se += dr*dr + dg*dg + db*db
			dl := 0.299*dr + 0.587*dg + 0.114*db
			seLuma += dl * dl
		}
	}
	n := float64(r.Dx() * r.Dy())
	return 10 * math.Log10(255*255*n/seLuma), 10 * math.Log10(255*255*3*n/se)
}
