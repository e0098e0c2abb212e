package assets

import (
	"encoding/binary"
	"math"
)

// maxICCBytes bounds an embedded ICC profile. A matrix/TRC profile (the
// only kind the pipeline converts) is a few KB even with 4096-entry curve
// tables; anything much larger is a LUT-based profile we would not use,
// and a compressed PNG profile must not inflate without limit.
const maxICCBytes = 1 << 20

// rgbProfile is what the pipeline needs of an RGB matrix/TRC ICC profile:
// the tone curve of each channel and the matrix from linear RGB to the
// profile connection space (CIE XYZ, D50).
type rgbProfile struct {
	trc   [3]toneCurve
	toXYZ [3][3]float64 // rows X, Y, Z; columns R, G, B (the rXYZ, gXYZ, bXYZ tags)
}

// toneCurve maps an encoded channel value in 0..1 to linear light in 0..1.
type toneCurve func(x float64) float64

// parseRGBProfile reads an ICC v2 or v4 profile (ICC.1:2010, ICC.1:2001-04)
// and returns its matrix/TRC model. ok is false when the profile is not an
// RGB profile with an XYZ connection space and the rXYZ/gXYZ/bXYZ and
// rTRC/gTRC/bTRC tags, nor a grey one with a kTRC tag (so a LUT-based or
// CMYK profile), or when it is malformed in any way: such images are left
// unconverted.
//
// A grey profile maps grey to luminance along its curve, with the white
// point's chromaticity; it is returned as three equal curves and sRGB's
// primaries, which converts a grey image (R = G = B) exactly.
//
// The colorant tags of a display profile are already adapted to the D50
// connection space (mandatory in v4, and what v2 profiles such as Adobe
// RGB (1998) contain), so wtpt and chad are not needed for the relative
// colorimetric conversion browsers do for these profiles.
func parseRGBProfile(p []byte) (rgbProfile, bool) {
	var prof rgbProfile
	if len(p) < 132 || len(p) > maxICCBytes || string(p[36:40]) != "acsp" {
		return prof, false
	}
	// A profile shorter than its header says is truncated: skcms, and so
	// Chromium, ignores it.
	size := binary.BigEndian.Uint32(p)
	if size < 132 || uint64(size) > uint64(len(p)) {
		return prof, false
	}
	p = p[:size]
	if string(p[20:24]) != "XYZ " {
		return prof, false
	}
	tags := iccTags(p)
	if string(p[16:20]) == "GRAY" {
		curve, ok := readCurve(tags["kTRC"])
		prof.trc = [3]toneCurve{curve, curve, curve}
		prof.toXYZ = srgbToXYZD50
		return prof, ok
	}
	if string(p[16:20]) != "RGB " {
		return prof, false
	}
	for c, sig := range []string{"rXYZ", "gXYZ", "bXYZ"} {
		xyz, ok := readXYZ(tags[sig])
		if !ok {
			return prof, false
		}
		for row := range 3 {
			prof.toXYZ[row][c] = xyz[row]
		}
	}
	for c, sig := range []string{"rTRC", "gTRC", "bTRC"} {
		curve, ok := readCurve(tags[sig])
		if !ok {
			return prof, false
		}
		prof.trc[c] = curve
	}
	return prof, true
}

// iccTags returns the tag table of profile p as signature → tag data,
// leaving out any entry that points outside the profile.
func iccTags(p []byte) map[string][]byte {
	n := uint64(binary.BigEndian.Uint32(p[128:]))
	tags := make(map[string][]byte)
	for i := range min(n, 100) {
		at := 132 + 12*i
		if at+12 > uint64(len(p)) {
			break
		}
		entry := p[at : at+12]
		off := uint64(binary.BigEndian.Uint32(entry[4:]))
		size := uint64(binary.BigEndian.Uint32(entry[8:]))
		if off+size <= uint64(len(p)) {
			tags[string(entry[:4])] = p[off : off+size]
		}
	}
	return tags
}

// s15Fixed16 decodes the ICC fixed-point number type at b.
func s15Fixed16(b []byte) float64 {
	return float64(int32(binary.BigEndian.Uint32(b))) / 65536
}

// readXYZ decodes an XYZType tag holding one XYZ number.
func readXYZ(tag []byte) ([3]float64, bool) {
	var xyz [3]float64
	if len(tag) < 20 || string(tag[:4]) != "XYZ " {
		return xyz, false
	}
	for i := range xyz {
		xyz[i] = s15Fixed16(tag[8+4*i:])
	}
	return xyz, true
}

// readCurve decodes a curveType (a gamma or a sampled table) or a
// parametricCurveType tag.
func readCurve(tag []byte) (toneCurve, bool) {
	if len(tag) < 12 {
		return nil, false
	}
	switch string(tag[:4]) {
	case "curv":
		n := uint64(binary.BigEndian.Uint32(tag[8:]))
		if 12+2*n > uint64(len(tag)) {
			return nil, false
		}
		return sampledCurve(tag[12 : 12+2*n])
	case "para":
		return parametricCurve(tag)
	}
	return nil, false
}

// sampledCurve returns the curve of a curveType body: no entries is the
// identity, one is a gamma in u8Fixed8, more are samples spread evenly
// over 0..1 and interpolated linearly (ICC.1 10.6).
func sampledCurve(entries []byte) (toneCurve, bool) {
	n := len(entries) / 2
	switch n {
	case 0:
		return func(x float64) float64 { return x }, true
	case 1:
		g := float64(binary.BigEndian.Uint16(entries)) / 256
		return func(x float64) float64 { return math.Pow(x, g) }, g > 0
	}
	table := make([]float64, n)
	for i := range table {
		table[i] = float64(binary.BigEndian.Uint16(entries[2*i:])) / 65535
	}
	return func(x float64) float64 {
		pos := x * float64(n-1)
		i := min(int(pos), n-2)
		return table[i] + (table[i+1]-table[i])*(pos-float64(i))
	}, true
}

// parametricCurve returns the curve of a parametricCurveType tag, one of
// the five function types of ICC.1 10.18 (type 3 is the sRGB curve's
// shape, which Display P3 profiles use).
func parametricCurve(tag []byte) (toneCurve, bool) {
	counts := [...]int{1, 3, 4, 5, 7}
	kind := int(binary.BigEndian.Uint16(tag[8:]))
	if kind >= len(counts) || len(tag) < 12+4*counts[kind] {
		return nil, false
	}
	// g, a, b, c, d, e, f as the specification names them; absent ones
	// take the values that reduce each type to the one below it.
	v := [7]float64{1, 1, 0, 0, 0, 0, 0}
	for i := range counts[kind] {
		v[i] = s15Fixed16(tag[12+4*i:])
	}
	g, a, b, c, d, e, f := v[0], v[1], v[2], v[3], v[4], v[5], v[6]
	switch kind {
	case 1: // (aX+b)^g for X ≥ -b/a, else 0
		d, c = -b/a, 0
	case 2: // (aX+b)^g + c for X ≥ -b/a, else c
		d, e, f = -b/a, c, c
		c = 0
	}
	if g <= 0 || math.IsNaN(d) || math.IsInf(d, 0) {
		return nil, false
	}
	return func(x float64) float64 {
		if x >= d {
			return math.Pow(max(a*x+b, 0), g) + e
		}
		return c*x + f
	}, true
}
