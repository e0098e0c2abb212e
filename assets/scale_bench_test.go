package assets

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"github.com/disintegration/imaging"
)

// BenchmarkScaleDisplay measures the plane scaler alone on a decoded 12 MP
// photo, the part of the pipeline this package controls, with the filter
// in use (Catmull-Rom) and the two it was chosen against.
func BenchmarkScaleDisplay(b *testing.B) {
	m := decodedBenchPhoto(b)
	for _, f := range []struct {
		name string
		f    imaging.ResampleFilter
	}{{"CatmullRom", imaging.CatmullRom}, {"Lanczos", imaging.Lanczos}, {"Linear", imaging.Linear}} {
		b.Run(f.name, func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				scaleWith(m, 1080, 810, f.f)
			}
			b.ReportMetric(float64(cpuTime()-start)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// decodedBenchPhoto returns the first benchmark photo, decoded.
func decodedBenchPhoto(b *testing.B) *image.YCbCr {
	m, err := jpeg.Decode(bytes.NewReader(benchPhotos(b, benchPhotoDir)[0]))
	if err != nil {
		b.Fatal(err)
	}
	return m.(*image.YCbCr)
}
