package assets

import (
	"encoding/binary"

	"github.com/disintegration/imaging"
)

// resample scales src into dst with filter f: a vertical pass into an
// 8-bit intermediate (src.w × dst.h), then a horizontal pass. Going
// vertical first means the costlier horizontal pass (it gathers scattered
// taps) runs over the fewer, output rows; the vertical pass walks whole
// rows, not columns, so both read memory in order.
func resample(dst, src plane, f imaging.ResampleFilter) {
	if dst.w == src.w && dst.h == src.h {
		for y := range dst.h {
			copy(dst.row(y), src.row(y))
		}
		return
	}
	mid := newPlane(src.w, dst.h)
	vertical(mid, src, newTaps(dst.h, src.h, f))
	horizontal(dst, mid, newTaps(dst.w, src.w, f))
}

// horizontal resamples every row of src to the width of dst (same height).
func horizontal(dst, src plane, t taps) {
	n := t.n
	for y := range src.h {
		in, out := src.row(y), dst.row(y)
		for x := range out {
			ws := t.weight[x*n : x*n+n]
			px := in[t.start[x]:][:n]
			var sum int32
			for k, w := range ws {
				sum += w * int32(px[k])
			}
			out[x] = toByte(sum)
		}
	}
}

// vertical resamples src to the height of dst (same width). Each output row
// is a weighted sum of whole input rows, accumulated in one int32 row.
func vertical(dst, src plane, t taps) {
	acc := make([]int32, dst.w)
	for y := range dst.h {
		clear(acc)
		first := t.start[y]
		for k, w := range t.weight[y*t.n : y*t.n+t.n] {
			in := src.row(first + k)[:len(acc)]
			for x, v := range in {
				acc[x] += w * int32(v)
			}
		}
		out := dst.row(y)[:len(acc)]
		for x, v := range acc {
			out[x] = toByte(v)
		}
	}
}

// halve returns src shrunk by two in each direction, each output sample the
// rounded mean of a 2×2 block. An odd last row or column is averaged with
// itself rather than dropped, so no edge pixels are lost.
func halve(src plane) plane {
	dst := newPlane((src.w+1)/2, (src.h+1)/2)
	pairs := src.w / 2
	for y := range dst.h {
		a := src.row(2 * y)
		b := src.row(min(2*y+1, src.h-1))
		out := dst.row(y)
		halveRow(out[:pairs], a, b)
		if pairs < dst.w {
			out[pairs] = byte((uint(a[src.w-1]) + uint(b[src.w-1]) + 1) >> 1)
		}
	}
	return dst
}

// halveRow averages the 2×2 blocks of rows a and b into out. It works on
// eight input bytes of each row at a time, as four 16-bit lanes of a
// uint64 (a lane's sum of four samples is at most 1020), which more than
// halves the cost of this memory-bound pass over the full-size photo.
func halveRow(out, a, b []byte) {
	const lanes = 0x00FF00FF00FF00FF
	const half = 0x0002000200020002 // rounding: +2 before the >>2
	x := 0
	for ; x+4 <= len(out); x += 4 {
		va := binary.LittleEndian.Uint64(a[2*x:])
		vb := binary.LittleEndian.Uint64(b[2*x:])
		s := va&lanes + va>>8&lanes + vb&lanes + vb>>8&lanes + half
		s = s >> 2 & lanes
		o := (*[4]byte)(out[x:])
		o[0], o[1], o[2], o[3] = byte(s), byte(s>>16), byte(s>>32), byte(s>>48)
	}
	for ; x < len(out); x++ {
		out[x] = byte((uint(a[2*x]) + uint(a[2*x+1]) + uint(b[2*x]) + uint(b[2*x+1]) + 2) >> 2)
	}
}

// scalePlane scales src into dst. While src is at least twice dst in both
// directions it is first halved with a box filter, which is several times
// cheaper per input pixel than a wide resampling kernel; the filter then
// covers the remaining factor (below two), where its quality shows.
func scalePlane(dst, src plane, f imaging.ResampleFilter) {
	for src.w >= 2*dst.w && src.h >= 2*dst.h {
		src = halve(src)
	}
	resample(dst, src, f)
}
