package assets

import (
	"image"
	"math"
	"sync"
)

// srgbToXYZD50 is the sRGB primaries' matrix adapted to D50 with the
// Bradford transform (IEC 61966-2-1 primaries and D65 white, adapted to
// the ICC connection space), the matrix skcms, Chromium's colour engine,
// uses for sRGB; xyzD50ToSRGB is its inverse.
var (
	srgbToXYZD50 = [3][3]float64{
		{0.4360747, 0.3850649, 0.1430804},
		{0.2225045, 0.7168786, 0.0606169},
		{0.0139322, 0.0971045, 0.7141733},
	}
	xyzD50ToSRGB = invert3(srgbToXYZD50)
)

// encodeSteps is the resolution of the linear-light index into the sRGB
// encoding table. The sRGB curve is steepest at black (slope 12.92), where
// one step of 1/16384 moves the output by a fifth of an 8-bit level.
const encodeSteps = 1 << 14

// srgbEncode maps linear light, quantised to encodeSteps, to an 8-bit sRGB
// value with the IEC 61966-2-1 transfer function.
var srgbEncode = sync.OnceValue(func() *[encodeSteps + 1]byte {
	var t [encodeSteps + 1]byte
	for i := range t {
		t[i] = byte(math.Round(255 * srgbFromLinear(float64(i)/encodeSteps)))
	}
	return &t
})

// srgbFromLinear is the IEC 61966-2-1 encoding function.
func srgbFromLinear(l float64) float64 {
	if l <= 0.0031308 {
		return 12.92 * l
	}
	return 1.055*math.Pow(l, 1/2.4) - 0.055
}

// colourTransform converts 8-bit RGB in some matrix/TRC colour space to
// 8-bit sRGB, as a browser shows it: decode each channel through a
// 256-entry table built from the profile's curve, multiply by one matrix
// (source RGB → XYZ D50 → linear sRGB), clip to the sRGB gamut, encode
// through a table. The tables keep it to about 15–25 ns a pixel
// (BenchmarkColourConvert), which is why it runs on the display-size image
// only.
type colourTransform struct {
	linear [3][256]float32 // channel value → linear light in 0..1
	matrix [3][3]float32   // linear source RGB → linear sRGB
	encode *[encodeSteps + 1]byte
}

// newColourTransform builds the transform for profile p. ok is false when
// converting would change nothing that an 8-bit pixel can show (the
// profile is sRGB, or close enough: many phones embed one), or when a
// curve gives no number.
func newColourTransform(p rgbProfile) (*colourTransform, bool) {
	t := &colourTransform{encode: srgbEncode()}
	m := mul3(xyzD50ToSRGB, p.toXYZ)
	identity := true
	for r := range 3 {
		for c := range 3 {
			t.matrix[r][c] = float32(m[r][c])
			want := 0.0
			if r == c {
				want = 1
			}
			identity = identity && math.Abs(m[r][c]-want) < 0.002
		}
	}
	for c := range 3 {
		for v := range 256 {
			l := p.trc[c](float64(v) / 255)
			if math.IsNaN(l) {
				return nil, false
			}
			l = min(max(l, 0), 1)
			t.linear[c][v] = float32(l)
			// The same as sRGB if its curve gives each level back.
			identity = identity && math.Abs(255*srgbFromLinear(l)-float64(v)) < 0.5
		}
	}
	return t, !identity
}

// rgb converts one pixel.
func (t *colourTransform) rgb(r, g, b byte) (byte, byte, byte) {
	lr, lg, lb := t.linear[0][r], t.linear[1][g], t.linear[2][b]
	m := &t.matrix
	return t.encodeLinear(m[0][0]*lr + m[0][1]*lg + m[0][2]*lb),
		t.encodeLinear(m[1][0]*lr + m[1][1]*lg + m[1][2]*lb),
		t.encodeLinear(m[2][0]*lr + m[2][1]*lg + m[2][2]*lb)
}

// encodeLinear clips linear light l to 0..1 (the sRGB gamut, as browsers
// clip colours a matrix profile puts outside it) and encodes it. The clip
// is done on the integer index: float min and max cost more.
func (t *colourTransform) encodeLinear(l float32) byte {
	i := int32(l*encodeSteps + 0.5)
	if i < 0 {
		i = 0
	} else if i > encodeSteps {
		i = encodeSteps
	}
	return t.encode[i]
}

// applyYCbCr420 converts a 4:2:0 image made by newYCbCr420 in place. Each
// 2×2 block shares one chroma sample, so the chroma's part of the block's
// RGB is worked out once, its four pixels are converted, and the new
// chroma is that of their mean RGB (chroma is linear in RGB, so this is
// the mean of their chroma): the image stays 4:2:0 without a resample.
// The YCbCr↔RGB arithmetic is JFIF's, in the fixed point of package
// image/color.
func (t *colourTransform) applyYCbCr420(m *image.YCbCr) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for cy := range (h + 1) / 2 {
		rows := min(2, h-2*cy)
		for cx := range (w + 1) / 2 {
			ci := cy*m.CStride + cx
			cb, cr := int32(m.Cb[ci])-128, int32(m.Cr[ci])-128
			dr, dg, db := 91881*cr, -22554*cb-46802*cr, 116130*cb
			var sumR, sumG, sumB, n int32
			for dy := range rows {
				yi := (2*cy+dy)*m.YStride + 2*cx
				for x := yi; x < yi+min(2, w-2*cx); x++ {
					y := int32(m.Y[x]) * 0x10101
					r, g, b := t.rgb(clip16(y+dr), clip16(y+dg), clip16(y+db))
					m.Y[x] = byte((19595*int32(r) + 38470*int32(g) + 7471*int32(b) + 1<<15) >> 16)
					sumR, sumG, sumB, n = sumR+int32(r), sumG+int32(g), sumB+int32(b), n+1
				}
			}
			// Cb and Cr of the mean colour, with the mean's division
			// folded into the final shift's rounding.
			m.Cb[ci] = clip16((-11056*sumR-21712*sumG+32768*sumB)/n + 257<<15)
			m.Cr[ci] = clip16((32768*sumR-27440*sumG-5328*sumB)/n + 257<<15)
		}
	}
}

// clip16 returns the byte of a 16.16 fixed-point value, clipped to 0..255.
func clip16(v int32) byte {
	if uint32(v) < 1<<24 {
		return byte(v >> 16)
	}
	if v < 0 {
		return 0
	}
	return 255
}

// mul3 returns the matrix product a·b.
func mul3(a, b [3][3]float64) [3][3]float64 {
	var m [3][3]float64
	for r := range 3 {
		for c := range 3 {
			m[r][c] = a[r][0]*b[0][c] + a[r][1]*b[1][c] + a[r][2]*b[2][c]
		}
	}
	return m
}

// invert3 returns the inverse of m by the adjugate; m must be invertible.
func invert3(m [3][3]float64) [3][3]float64 {
	var adj [3][3]float64
	for r := range 3 {
		for c := range 3 {
			r1, r2, c1, c2 := (r+1)%3, (r+2)%3, (c+1)%3, (c+2)%3
			adj[c][r] = m[r1][c1]*m[r2][c2] - m[r1][c2]*m[r2][c1]
		}
	}
	det := m[0][0]*adj[0][0] + m[0][1]*adj[1][0] + m[0][2]*adj[2][0]
	for r := range 3 {
		for c := range 3 {
			adj[r][c] /= det
		}
	}
	return adj
}

// toSRGB converts a display image in place from the colour space its ICC
// profile describes to sRGB, which is what every output is taken to be
// (JPEGs without a profile are shown as sRGB). Matrix/TRC RGB profiles
// are converted (Display P3, Adobe RGB (1998) and the like: what phones
// and cameras embed), and grey ones. Any other profile (LUT-based, CMYK,
// or malformed) leaves the image as decoded: slightly off in colour where
// a browser would convert it, as it was before profiles were read at all.
func toSRGB(m *image.YCbCr, icc []byte) {
	if icc == nil {
		return
	}
	p, ok := parseRGBProfile(icc)
	if !ok {
		return
	}
	if t, convert := newColourTransform(p); convert {
		t.applyYCbCr420(m)
	}
}
