package assets

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"
)

// testColours are the colours the conversion is checked on: the issue's
// green (what a browser shows as about (8,200,5) when it is Adobe RGB),
// the pure primaries (out of the sRGB gamut, so clipped), in-gamut
// mid-tones, greys and near-black, where the curves are steepest.
var testColours = [][3]byte{
	{113, 199, 48}, {0, 255, 0}, {255, 0, 0}, {0, 0, 255},
	{128, 64, 200}, {200, 100, 80}, {30, 140, 220}, {250, 240, 200},
	{0, 0, 0}, {255, 255, 255}, {128, 128, 128}, {5, 5, 5}, {1, 2, 3}, {60, 20, 10},
}

// TestColourTransform_MatchesReference ensures the converter gives, within
// one level, what the specifications' formulas give in float64 for Adobe
// RGB (1998) and Display P3, whether the profile's curve is a gamma, a
// parametric curve or a sampled table.
func TestColourTransform_MatchesReference(t *testing.T) {
	profiles := []struct {
		name    string
		space   space
		profile []byte
	}{
		{"Adobe RGB, gamma", adobeRGB, adobeRGBProfile()},
		{"Display P3, parametric", displayP3, displayP3Profile()},
		{"Adobe RGB, 1024-entry table", adobeRGB, iccProfile(2, adobeRGB.d50Colorants(), tableCurv(adobeRGB.decode, 1024))},
		{"Display P3, 4096-entry table", displayP3, iccProfile(4, displayP3.d50Colorants(), tableCurv(displayP3.decode, 4096))},
	}
	for _, p := range profiles {
		prof, ok := parseRGBProfile(p.profile)
		if !ok {
			t.Fatalf("%s: profile not parsed", p.name)
		}
		tr, convert := newColourTransform(prof)
		if !convert {
			t.Fatalf("%s: taken for sRGB", p.name)
		}
		for _, c := range testColours {
			r, g, b := tr.rgb(c[0], c[1], c[2])
			want := referenceSRGB(p.space, c)
			if d := maxDiff([3]byte{r, g, b}, want); d > 1 {
				t.Errorf("%s %v: got (%d,%d,%d), want %.1f", p.name, c, r, g, b, want)
			}
		}
	}
	// The example, stated once more in plain numbers.
	if got := referenceSRGB(adobeRGB, [3]byte{113, 199, 48}); maxDiff([3]byte{8, 200, 5}, got) > 1 {
		t.Errorf("reference for the issue's green: %.1f", got)
	}
}

// maxDiff is the largest channel difference between an 8-bit colour and a
// reference in 0..255.
func maxDiff(got [3]byte, want [3]float64) float64 {
	d := 0.0
	for i := range got {
		d = max(d, math.Abs(float64(got[i])-want[i]))
	}
	return d
}

// TestParametricCurve_AllTypes ensures each of the five ICC parametric
// function types evaluates as ICC.1 10.18 defines it, below and above its
// break point.
func TestParametricCurve_AllTypes(t *testing.T) {
	g, a, b, c, d, e, f := 2.4, 0.9, 0.05, 0.08, 0.1, 0.02, 0.01
	for kind, tc := range []struct {
		params []float64
		want   func(x float64) float64
	}{
		{[]float64{g}, func(x float64) float64 { return math.Pow(x, g) }},
		{[]float64{g, a, b}, func(x float64) float64 {
			if x >= -b/a {
				return math.Pow(a*x+b, g)
			}
			return 0
		}},
		{[]float64{g, a, -b, c}, func(x float64) float64 {
			if x >= b/a {
				return math.Pow(a*x-b, g) + c
			}
			return c
		}},
		{[]float64{g, a, b, c, d}, func(x float64) float64 {
			if x >= d {
				return math.Pow(a*x+b, g)
			}
			return c * x
		}},
		{[]float64{g, a, b, c, d, e, f}, func(x float64) float64 {
			if x >= d {
				return math.Pow(a*x+b, g) + e
			}
			return c*x + f
		}},
	} {
		tag := []byte{'p', 'a', 'r', 'a', 0, 0, 0, 0, 0, byte(kind), 0, 0}
		for _, v := range tc.params {
			tag = append(tag, s15(v)...)
		}
		curve, ok := readCurve(tag)
		if !ok {
			t.Fatalf("type %d not read", kind)
		}
		for _, x := range []float64{0, 0.03, 0.07, 0.2, 0.5, 1} {
			if got, want := curve(x), tc.want(x); math.Abs(got-want) > 1e-4 {
				t.Errorf("type %d at %v: got %v, want %v", kind, x, got, want)
			}
		}
		if _, ok := readCurve(tag[:len(tag)-1]); ok {
			t.Errorf("type %d: a truncated tag was read", kind)
		}
	}
}

// s15 encodes v as an ICC s15Fixed16Number.
func s15(v float64) []byte {
	u := uint32(int32(math.Round(v * 65536)))
	return []byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)}
}

// TestProcess_ICCProfile ensures a photo with an embedded Adobe RGB or
// Display P3 profile comes out in sRGB, as a browser shows it, from each
// place a profile can be: JPEG APP2 segments (whole, or split as cameras
// split large profiles), a PNG iCCP chunk, a WebP ICCP chunk.
func TestProcess_ICCProfile(t *testing.T) {
	lossless := readTestdata(t, "quadrants-lossless.webp")
	for _, sp := range []struct {
		name    string
		space   space
		profile []byte
	}{{"Adobe RGB", adobeRGB, adobeRGBProfile()}, {"Display P3", displayP3, displayP3Profile()}} {
		for _, c := range [][3]byte{{113, 199, 48}, {200, 100, 80}, {30, 140, 220}} {
			flat := uniformRGBA(c)
			for format, data := range map[string][]byte{
				"jpeg":       withICC(jpegBytes(t, flat, 100), sp.profile),
				"jpeg split": withICCParts(jpegBytes(t, flat, 100), sp.profile, 97),
				"png":        pngWith(t, flat, false, iccpChunk(t, sp.profile)),
			} {
				t.Run(fmt.Sprintf("%s/%s/%v", sp.name, format, c), func(t *testing.T) {
					photo, err := process(t, data)
					if err != nil {
						t.Fatal(err)
					}
					wantNear(t, mustDecode(t, photo.Display, 64, 64), 32, 32, referenceSRGB(sp.space, c), 3)
					wantNear(t, mustDecode(t, photo.Grid, 360, 360), 180, 180, referenceSRGB(sp.space, c), 3)
				})
			}
		}
		t.Run(sp.name+"/webp", func(t *testing.T) {
			photo, err := process(t, extendedWebP(t, lossless, webpFlagICC, sp.profile, nil))
			if err != nil {
				t.Fatal(err)
			}
			display := mustDecode(t, photo.Display, 96, 64)
			for _, q := range []struct {
				x, y int
				c    color.RGBA
			}{{24, 16, red}, {72, 16, green}, {24, 48, blue}} {
				wantNear(t, display, q.x, q.y, referenceSRGB(sp.space, [3]byte{q.c.R, q.c.G, q.c.B}), 4)
			}
		})
	}
}

// wantNear checks one pixel against a reference colour within tol levels.
func wantNear(t *testing.T, m image.Image, x, y int, want [3]float64, tol float64) {
	t.Helper()
	got := color.RGBAModel.Convert(m.At(x, y)).(color.RGBA)
	if d := maxDiff([3]byte{got.R, got.G, got.B}, want); d > tol {
		t.Errorf("pixel (%d,%d) is (%d,%d,%d), want (%.0f,%.0f,%.0f)", x, y, got.R, got.G, got.B, want[0], want[1], want[2])
	}
}

// TestProcess_ICCProfileLeftAlone ensures what cannot or need not be
// converted keeps its colours: an sRGB profile (converting would change
// nothing), profiles the converter does not handle (LUT-based, CMYK, cut
// short), and profiles a browser ignores (a PNG iCCP after the image
// data, a WebP ICCP chunk the VP8X flags do not announce, a JPEG profile
// with a part missing).
func TestProcess_ICCProfileLeftAlone(t *testing.T) {
	c := [3]byte{113, 199, 48}
	flat := uniformRGBA(c)
	adobe := adobeRGBProfile()
	lutOnly := iccProfile(2, adobeRGB.d50Colorants(), gammaCurv(2.2))
	copy(lutOnly[132:], "A2B0") // the rXYZ tag renamed: no matrix left
	cmyk := append([]byte{}, adobe...)
	copy(cmyk[16:], "CMYK")
	parts := withICCParts(jpegBytes(t, flat, 100), adobe, 100)
	missing := withICCParts(jpegBytes(t, flat, 100), adobe[:300], 100)
	copy(missing[bytes.Index(missing, []byte("ICC_PROFILE"))+13:], []byte{4}) // says 4 parts, has 3
	if _, ok := parseRGBProfile(lutOnly); ok {
		t.Fatal("a profile without rXYZ was parsed")
	}
	for name, data := range map[string][]byte{
		"sRGB profile":           pngWith(t, flat, false, iccpChunk(t, iccProfile(2, sRGBSpace.d50Colorants(), srgbPara()))),
		"LUT-based profile":      pngWith(t, flat, false, iccpChunk(t, lutOnly)),
		"CMYK profile":           withICC(jpegBytes(t, flat, 100), cmyk),
		"truncated profile":      withICC(jpegBytes(t, flat, 100), adobe[:len(adobe)-8]),
		"iCCP after IDAT":        pngWith(t, flat, true, iccpChunk(t, adobe)),
		"JPEG part missing":      missing,
		"JPEG parts in order":    parts, // the control: this one is converted
		"WebP ICCP not in flags": extendedWebP(t, readTestdata(t, "quadrants-lossless.webp"), 0, adobe, nil),
	} {
		t.Run(name, func(t *testing.T) {
			photo, err := process(t, data)
			if err != nil {
				t.Fatal(err)
			}
			m, err := jpeg.Decode(bytes.NewReader(photo.Display))
			if err != nil {
				t.Fatal(err)
			}
			switch name {
			case "JPEG parts in order":
				wantNear(t, m, 32, 32, referenceSRGB(adobeRGB, c), 3)
			case "WebP ICCP not in flags":
				wantNear(t, m, 24, 16, [3]float64{220, 20, 20}, 4)
			default:
				wantNear(t, m, 32, 32, [3]float64{113, 199, 48}, 3)
			}
		})
	}
}

// TestProcess_ICCProfileGrey ensures a grey image with a grey profile
// (Photoshop writes "Gray Gamma 2.2" or a dot-gain curve) comes out as a
// browser shows it: each level through the profile's curve to luminance,
// then the sRGB curve.
func TestProcess_ICCProfileGrey(t *testing.T) {
	gamma := func(g float64) func(float64) float64 { return func(v float64) float64 { return math.Pow(v, g) } }
	for _, level := range []byte{15, 90, 200} {
		for name, c := range map[string]struct {
			data   []byte
			decode func(float64) float64
		}{
			"jpeg, gamma 2.2": {withICC(jpegBytes(t, uniformGrey(level), 100), greyProfile(gammaCurv(563.0/256))), gamma(563.0 / 256)},
			"png, table 1.8":  {pngWith(t, uniformGrey(level), false, iccpChunk(t, greyProfile(tableCurv(gamma(1.8), 256)))), gamma(1.8)},
		} {
			t.Run(fmt.Sprintf("%s/%d", name, level), func(t *testing.T) {
				photo, err := process(t, c.data)
				if err != nil {
					t.Fatal(err)
				}
				v := 255 * srgbEncodeRef(c.decode(float64(level)/255))
				wantNear(t, mustDecode(t, photo.Display, 64, 64), 32, 32, [3]float64{v, v, v}, 2)
			})
		}
	}
}

// TestNewColourTransform_SkipsSRGB ensures an embedded sRGB profile, as
// many Android phones write, costs no conversion (whether its curve is
// parametric or a table), while a profile that differs from sRGB only in
// its curve, and only in the shadows, is still converted.
func TestNewColourTransform_SkipsSRGB(t *testing.T) {
	srgb := sRGBSpace.d50Colorants()
	for name, c := range map[string]struct {
		profile []byte
		convert bool
	}{
		"sRGB, parametric":          {iccProfile(4, srgb, srgbPara()), false},
		"sRGB, 1024 entries":        {iccProfile(2, srgb, tableCurv(srgbDecodeRef, 1024)), false},
		"sRGB primaries, gamma 2.2": {iccProfile(2, srgb, gammaCurv(2.2)), true},
		"Display P3":                {displayP3Profile(), true},
	} {
		p, ok := parseRGBProfile(c.profile)
		if !ok {
			t.Fatalf("%s: not parsed", name)
		}
		if _, convert := newColourTransform(p); convert != c.convert {
			t.Errorf("%s: convert = %v, want %v", name, convert, c.convert)
		}
	}
}
