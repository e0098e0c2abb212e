package assets

import (
	"math"

	"github.com/disintegration/imaging"
)

// fixedBits is the precision of the resampling weights. 14 bits keep a sum
// of 8-bit samples times weights well inside an int32, even with the
// negative lobes of Lanczos and Catmull-Rom.
const fixedBits = 14

// taps holds, for every output sample, the first input sample it reads and
// its n fixed-point weights, computed once per resize rather than per row.
// Every output has the same number of taps (zero-padded at the edges), so
// the inner loops need no per-sample bookkeeping.
type taps struct {
	n      int
	start  []int
	weight []int32 // weights of output i are weight[i*n : i*n+n]
}

// newTaps computes the weights that map size inputs onto m outputs with
// filter f, widening the kernel when shrinking so every input contributes.
// The sample grid is the one imaging uses, so results line up with it.
func newTaps(m, size int, f imaging.ResampleFilter) taps {
	ratio := float64(size) / float64(m)
	support := max(ratio, 1) * f.Support
	// At most ceil(2·support) inputs lie strictly inside the kernel.
	n := min(int(math.Ceil(2*support)), size)
	t := taps{n: n, start: make([]int, m), weight: make([]int32, m*n)}
	fw := make([]float64, n)
	for i := range m {
		centre := (float64(i)+0.5)*ratio - 0.5
		first := min(max(int(math.Floor(centre-support))+1, 0), size-n)
		sum := 0.0
		for k := range fw {
			fw[k] = f.Kernel((float64(first+k) - centre) / max(ratio, 1))
			sum += fw[k]
		}
		t.start[i] = first
		toFixed(t.weight[i*n:i*n+n], fw, sum)
	}
	return t
}

// toFixed stores the weights fw, normalised to sum to one, in fixed point.
// The rounding error goes to the largest weight so that a flat input stays
// exactly flat.
func toFixed(dst []int32, fw []float64, sum float64) {
	if sum == 0 {
		sum = 1
	}
	total, big := int32(0), 0
	for k, w := range fw {
		dst[k] = int32(math.Round(w / sum * (1 << fixedBits)))
		total += dst[k]
		if dst[k] > dst[big] {
			big = k
		}
	}
	dst[big] += 1<<fixedBits - total
}

// toByte rounds a fixed-point sample and clamps it to 0..255.
func toByte(v int32) byte {
	v = (v + 1<<(fixedBits-1)) >> fixedBits
	if uint32(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return byte(v)
}
