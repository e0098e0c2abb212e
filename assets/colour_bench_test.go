package assets

import "testing"

// BenchmarkColourConvert measures the ICC conversion where the pipeline
// runs it: on a 1080×810 display image (the size of a 4:3 photo's), with a
// Display P3 profile. It is the whole extra cost of a photo that carries a
// profile; the grid image is cut from the converted display image.
func BenchmarkColourConvert(b *testing.B) {
	display := toDisplay(decodedBenchPhoto(b))
	prof, ok := parseRGBProfile(displayP3Profile())
	if !ok {
		b.Fatal("profile not parsed")
	}
	start := cpuTime()
	for b.Loop() {
		tr, _ := newColourTransform(prof)
		tr.applyYCbCr420(display)
	}
	b.ReportMetric(float64(cpuTime()-start)/1e6/float64(b.N), "cpu-ms/op")
}
