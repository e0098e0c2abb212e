package assets

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/disintegration/imaging"
)

// TestHalve_MatchesScalar ensures the eight-bytes-at-a-time halving gives
// exactly the rounded 2×2 means, odd edges included.
func TestHalve_MatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, size := range []image.Point{{1, 1}, {2, 2}, {3, 5}, {17, 9}, {64, 3}, {255, 31}} {
		src := plane{pix: make([]byte, (size.X+3)*size.Y), w: size.X, h: size.Y, stride: size.X + 3}
		for i := range src.pix {
			src.pix[i] = byte(rng.Uint32())
		}
		got := halve(src)
		for y := range got.h {
			for x := range got.w {
				sum, n := 0, 0
				for _, p := range []image.Point{{2 * x, 2 * y}, {2*x + 1, 2 * y}, {2 * x, 2*y + 1}, {2*x + 1, 2*y + 1}} {
					if p.X < size.X && p.Y < size.Y {
						sum += int(src.pix[p.Y*src.stride+p.X])
						n++
					}
				}
				want := (sum + n/2) / n
				if n == 2 && 2*y+1 >= size.Y { // a lone bottom row is averaged with itself
					want = (2*sum + 2) / 4
				}
				if g := int(got.pix[y*got.stride+x]); g != want {
					t.Fatalf("%v: (%d,%d) = %d, want %d", size, x, y, g, want)
				}
			}
		}
	}
}

// TestResample_FlatStaysFlat ensures the fixed-point weights sum to one
// exactly, for shrinking and enlarging: a flat plane must stay flat.
func TestResample_FlatStaysFlat(t *testing.T) {
	for _, c := range []struct{ sw, sh, dw, dh int }{{4032, 3, 1080, 1}, {7, 5, 3, 2}, {360, 360, 1080, 1080}, {1, 1, 360, 360}, {5, 1000, 5, 3}} {
		src := newPlane(c.sw, c.sh)
		for i := range src.pix {
			src.pix[i] = 201
		}
		dst := newPlane(c.dw, c.dh)
		scalePlane(dst, src, imaging.CatmullRom)
		for i, v := range dst.pix {
			if v != 201 {
				t.Fatalf("%+v: sample %d is %d, want 201", c, i, v)
			}
		}
	}
}

// TestScaleYCbCr_Subsampling ensures every subsampling image/jpeg can
// decode, with odd sizes and as a sub-image, scales without panicking and
// keeps its colour.
func TestScaleYCbCr_Subsampling(t *testing.T) {
	ratios := []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	}
	for _, ratio := range ratios {
		for _, r := range []image.Rectangle{image.Rect(0, 0, 301, 203), image.Rect(0, 0, 3, 1), image.Rect(5, 3, 128, 97)} {
			t.Run(fmt.Sprintf("%v/%v", ratio, r), func(t *testing.T) {
				m := image.NewYCbCr(r.Inset(-4), ratio).SubImage(r).(*image.YCbCr)
				fill := color.YCbCr{Y: 90, Cb: 60, Cr: 200}
				for y := r.Min.Y; y < r.Max.Y; y++ {
					for x := r.Min.X; x < r.Max.X; x++ {
						m.Y[m.YOffset(x, y)], m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)] = fill.Y, fill.Cb, fill.Cr
					}
				}
				w, h := max(1, r.Dx()/3), max(1, r.Dy()/3) // halves, then filters
				out := scaleYCbCr(m, w, h)
				if got := out.YCbCrAt(w-1, h-1); got != fill {
					t.Errorf("corner is %v, want %v", got, fill)
				}
			})
		}
	}
}

// TestToYCbCr ensures the conversion of non-YCbCr images averages k×k
// blocks (narrower at the edges) and puts transparency on white.
func TestToYCbCr(t *testing.T) {
	nrgba := image.NewNRGBA(image.Rect(0, 0, 3, 3))
	rgba := image.NewRGBA(image.Rect(0, 0, 3, 3))
	gray := image.NewGray(image.Rect(0, 0, 3, 3))
	pal := image.NewPaletted(image.Rect(0, 0, 3, 3), color.Palette{color.Transparent, color.Black})
	for y := range 3 {
		for x := range 3 {
			nrgba.Set(x, y, color.NRGBA{0, 0, 0, 255})
			rgba.Set(x, y, color.RGBA{0, 0, 0, 255})
			pal.SetColorIndex(x, y, 1)
		}
	}
	for _, m := range []interface {
		image.Image
		Set(x, y int, c color.Color)
	}{nrgba, rgba, gray, pal} {
		m.Set(2, 2, color.Transparent) // white once composited, or gray's 0
		out := toYCbCr(m, 2)
		if out.Rect.Dx() != 2 || out.Rect.Dy() != 2 {
			t.Fatalf("%T: size %v", m, out.Rect)
		}
		want := uint8(255)
		if _, ok := m.(*image.Gray); ok {
			want = 0 // gray has no alpha: transparent is black
		}
		if got := out.YCbCrAt(0, 0).Y; got != 0 {
			t.Errorf("%T: black block has luma %d", m, got)
		}
		if got := out.YCbCrAt(1, 1).Y; got != want {
			t.Errorf("%T: lone corner pixel has luma %d, want %d", m, got, want)
		}
	}
}

// TestOrient_Inverses ensures each orientation undone by its inverse gives
// back the same samples, odd sizes included.
func TestOrient_Inverses(t *testing.T) {
	m := photoLike(7, 5, 3)
	for o, inverse := range map[int]int{2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6} {
		back := orient(orient(m, o), inverse)
		if !bytes.Equal(back.Y, m.Y) || !bytes.Equal(back.Cb, m.Cb) || !bytes.Equal(back.Cr, m.Cr) {
			t.Errorf("orientation %d then %d changed the image", o, inverse)
		}
	}
}
