package assets

import (
	"encoding/binary"
	"math"
)

// This file builds ICC profiles for the tests, and computes the colours a
// correct conversion must give, from the published definitions of the
// colour spaces rather than from the package's converter: primaries and
// white point chromaticities, their RGB→XYZ matrices derived the textbook
// way, and the transfer functions as the specifications state them.

// space is an RGB colour space as its specification defines it.
type space struct {
	primaries [3][2]float64 // x, y of red, green, blue
	white     [2]float64    // x, y
	decode    func(float64) float64
}

var (
	d65 = [2]float64{0.3127, 0.3290}
	// sRGB: IEC 61966-2-1.
	sRGBSpace = space{[3][2]float64{{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}, d65, srgbDecodeRef}
	// Adobe RGB (1998): Adobe's specification, version 2005-05, with the
	// gamma 563/256 = 2.19921875 stated there.
	adobeRGB = space{[3][2]float64{{0.64, 0.33}, {0.21, 0.71}, {0.15, 0.06}}, d65,
		func(v float64) float64 { return math.Pow(v, 563.0/256) }}
	// Display P3: the DCI-P3 primaries with a D65 white and the sRGB curve.
	displayP3 = space{[3][2]float64{{0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}}, d65, srgbDecodeRef}
)

func srgbDecodeRef(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func srgbEncodeRef(l float64) float64 {
	if l <= 0.0031308 {
		return 12.92 * l
	}
	return 1.055*math.Pow(l, 1/2.4) - 0.055
}

// xyOf returns XYZ with Y = 1 for chromaticity xy.
func xyOf(xy [2]float64) [3]float64 {
	return [3]float64{xy[0] / xy[1], 1, (1 - xy[0] - xy[1]) / xy[1]}
}

// toXYZRef is the space's linear RGB → XYZ matrix: the primaries' XYZ
// scaled so that RGB (1,1,1) is the white point with Y = 1.
func (s space) toXYZRef() [3][3]float64 {
	var p [3][3]float64
	for c, xy := range s.primaries {
		col := xyOf(xy)
		for r := range 3 {
			p[r][c] = col[r]
		}
	}
	scale := solve3(p, xyOf(s.white))
	for r := range 3 {
		for c := range 3 {
			p[r][c] *= scale[c]
		}
	}
	return p
}

// solve3 solves m·x = v by Cramer's rule.
func solve3(m [3][3]float64, v [3]float64) [3]float64 {
	det := func(a [3][3]float64) float64 {
		return a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) -
			a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) +
			a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	}
	d := det(m)
	var x [3]float64
	for c := range 3 {
		a := m
		for r := range 3 {
			a[r][c] = v[r]
		}
		x[c] = det(a) / d
	}
	return x
}

// referenceSRGB converts an 8-bit colour in space s to 8-bit sRGB the way
// the specifications define it: decode, to XYZ, from XYZ to linear sRGB
// (both spaces have a D65 white, so no adaptation is involved), clip to
// the sRGB gamut, encode. Out-of-gamut colours clip as Chromium clips them.
func referenceSRGB(s space, rgb [3]byte) [3]float64 {
	var lin [3]float64
	for i, v := range rgb {
		lin[i] = s.decode(float64(v) / 255)
	}
	m := s.toXYZRef()
	var xyz [3]float64
	for r := range 3 {
		xyz[r] = m[r][0]*lin[0] + m[r][1]*lin[1] + m[r][2]*lin[2]
	}
	out := solve3(sRGBSpace.toXYZRef(), xyz)
	for i, l := range out {
		out[i] = 255 * srgbEncodeRef(min(max(l, 0), 1))
	}
	return out
}

// d50Colorants returns what an ICC profile stores in rXYZ, gXYZ and bXYZ
// for space s: its primaries' XYZ adapted from the space's white to the
// D50 connection space with the Bradford transform (ICC.1 Annex E).
func (s space) d50Colorants() [3][3]float64 {
	bradford := [3][3]float64{{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}}
	cone := func(xyz [3]float64) [3]float64 {
		var out [3]float64
		for r := range 3 {
			out[r] = bradford[r][0]*xyz[0] + bradford[r][1]*xyz[1] + bradford[r][2]*xyz[2]
		}
		return out
	}
	src, dst := cone(xyOf(s.white)), cone([3]float64{0.9642, 1, 0.8249})
	m := s.toXYZRef()
	var out [3][3]float64
	for c := range 3 {
		lms := cone([3]float64{m[0][c], m[1][c], m[2][c]})
		for i := range lms {
			lms[i] *= dst[i] / src[i]
		}
		xyz := solve3(bradford, lms)
		for r := range 3 {
			out[r][c] = xyz[r]
		}
	}
	return out
}

// iccProfile builds a minimal valid ICC display profile (class mntr, RGB,
// PCS XYZ) of the given major version: the header, a tag table and the
// rXYZ, gXYZ, bXYZ, rTRC, gTRC, bTRC and wtpt tags, all three curves
// sharing one tag body as real profiles often do.
func iccProfile(version byte, colorants [3][3]float64, curve []byte) []byte {
	column := func(c int) []byte { return xyzTag([3]float64{colorants[0][c], colorants[1][c], colorants[2][c]}) }
	return buildICC(version, "RGB ", []string{"rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC", "wtpt"},
		[][]byte{column(0), column(1), column(2), curve, curve, curve, xyzTag([3]float64{0.9642, 1, 0.8249})})
}

// greyProfile builds a minimal grey display profile: kTRC and wtpt.
func greyProfile(curve []byte) []byte {
	return buildICC(2, "GRAY", []string{"kTRC", "wtpt"}, [][]byte{curve, xyzTag([3]float64{0.9642, 1, 0.8249})})
}

// xyzTag is an XYZType tag holding one XYZ number.
func xyzTag(v [3]float64) []byte {
	b := []byte("XYZ \x00\x00\x00\x00")
	for _, f := range v {
		b = binary.BigEndian.AppendUint32(b, uint32(int32(math.Round(f*65536))))
	}
	return b
}

// buildICC lays out a profile: the 128-byte header, the tag table, then
// the tag bodies, each on a 4-byte boundary; tags with identical bodies
// share one.
func buildICC(version byte, colourSpace string, sigs []string, bodies [][]byte) []byte {
	p := make([]byte, 128)
	copy(p[4:], "none")
	p[8] = version
	copy(p[12:], "mntr"+colourSpace+"XYZ ")
	copy(p[36:], "acsp")
	for i, v := range []float64{0.9642, 1, 0.8249} { // PCS illuminant
		binary.BigEndian.PutUint32(p[68+4*i:], uint32(int32(math.Round(v*65536))))
	}
	p = binary.BigEndian.AppendUint32(p, uint32(len(sigs)))
	var data []byte
	at := make(map[string]int) // body → its offset in data
	table := make([]byte, 0, 12*len(sigs))
	for i, sig := range sigs {
		off, ok := at[string(bodies[i])]
		if !ok {
			off = len(data)
			at[string(bodies[i])] = off
			data = append(data, bodies[i]...)
			data = append(data, make([]byte, (4-len(bodies[i])%4)%4)...)
		}
		table = append(table, sig...)
		table = binary.BigEndian.AppendUint32(table, uint32(128+4+12*len(sigs)+off))
		table = binary.BigEndian.AppendUint32(table, uint32(len(bodies[i])))
	}
	p = append(append(p, table...), data...)
	binary.BigEndian.PutUint32(p, uint32(len(p)))
	return p
}

// gammaCurv is a curveType holding a single gamma in u8Fixed8, as the
// Adobe RGB (1998) profile stores 2.19921875 (0x0233).
func gammaCurv(gamma float64) []byte {
	b := binary.BigEndian.AppendUint32([]byte("curv\x00\x00\x00\x00"), 1)
	return binary.BigEndian.AppendUint16(b, uint16(math.Round(gamma*256)))
}

// tableCurv is a curveType sampling decode at n evenly spaced points.
func tableCurv(decode func(float64) float64, n int) []byte {
	b := binary.BigEndian.AppendUint32([]byte("curv\x00\x00\x00\x00"), uint32(n))
	for i := range n {
		b = binary.BigEndian.AppendUint16(b, uint16(math.Round(65535*decode(float64(i)/float64(n-1)))))
	}
	return b
}

// srgbPara is a parametricCurveType of function type 3 with the sRGB
// parameters, as Apple's Display P3 profile stores its curve.
func srgbPara() []byte {
	b := []byte("para\x00\x00\x00\x00\x00\x03\x00\x00")
	for _, v := range []float64{2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045} {
		b = binary.BigEndian.AppendUint32(b, uint32(int32(math.Round(v*65536))))
	}
	return b
}

// adobeRGBProfile and displayP3Profile are the two profiles photos carry
// most often: a v2 profile with a gamma curve, and a v4 one with a
// parametric curve.
func adobeRGBProfile() []byte {
	return iccProfile(2, adobeRGB.d50Colorants(), gammaCurv(563.0/256))
}

func displayP3Profile() []byte {
	return iccProfile(4, displayP3.d50Colorants(), srgbPara())
}
