package assets

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"testing"
)

// photoLike returns a w×h 4:2:0 image with the statistics of a photo rather
// than of a test pattern: fractal value noise (large soft shapes plus ever
// finer detail), hard-edged objects and a little sensor noise. Benchmarks
// on flat or periodic images flatter the entropy decoder.
func photoLike(w, h int, seed uint64) *image.YCbCr {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	m := newYCbCr420(w, h)
	luma, cb, cr := planesOf(m)
	fillFractal(luma, rng, 2, 1.0)
	fillFractal(cb, rng, 4, 0.35)
	fillFractal(cr, rng, 4, 0.35)
	for range 24 {
		addBlock(luma, rng, 50, 1)
		addBlock(cb, rng, 25, 2)
	}
	for i := range luma.pix {
		luma.pix[i] = clampByte(int(luma.pix[i]) + rng.IntN(7) - 3)
	}
	return m
}

// fillFractal fills p with octaves of bilinear value noise, from a lattice
// of 1024 px down to one of finest px, each octave weaker than the last.
func fillFractal(p plane, rng *rand.Rand, finest int, gain float64) {
	acc := make([]float64, p.w*p.h)
	amp := 70 * gain
	for step := 1024; step >= finest; step /= 2 {
		s := step * p.w / 4032 // keep the look independent of the size
		if s >= 2 {
			addOctave(acc, p.w, p.h, s, amp, rng)
		}
		amp *= 0.75
	}
	for i, v := range acc {
		p.pix[i] = clampByte(int(128 + v))
	}
}

// addOctave adds one octave of value noise with lattice spacing s.
func addOctave(acc []float64, w, h, s int, amp float64, rng *rand.Rand) {
	lw, lh := w/s+2, h/s+2
	lat := make([]float64, lw*lh)
	for i := range lat {
		lat[i] = (rng.Float64()*2 - 1) * amp
	}
	for y := range h {
		ly, fy := y/s, float64(y%s)/float64(s)
		for x := range w {
			lx, fx := x/s, float64(x%s)/float64(s)
			a, b := lat[ly*lw+lx], lat[ly*lw+lx+1]
			c, d := lat[(ly+1)*lw+lx], lat[(ly+1)*lw+lx+1]
			top, bottom := a+(b-a)*fx, c+(d-c)*fx
			acc[y*w+x] += top + (bottom-top)*fy
		}
	}
}

// addBlock shifts a random rectangle of p by up to ±delta: an object edge.
// div scales the rectangle for subsampled planes.
func addBlock(p plane, rng *rand.Rand, delta, div int) {
	x0, y0 := rng.IntN(p.w), rng.IntN(p.h)
	x1, y1 := min(p.w, x0+rng.IntN(p.w/3/div+1)), min(p.h, y0+rng.IntN(p.h/3/div+1))
	d := rng.IntN(2*delta+1) - delta
	for y := y0; y < y1; y++ {
		row := p.row(y)
		for x := x0; x < x1; x++ {
			row[x] = clampByte(int(row[x]) + d)
		}
	}
}

func clampByte(v int) byte {
	return byte(min(255, max(0, v)))
}

// jpegBytes encodes m with image/jpeg (always 4:2:0 for colour images).
func jpegBytes(t testing.TB, m image.Image, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
