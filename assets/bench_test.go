package assets

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// benchPhotoDir caches the nine benchmark photos between runs: making one
// takes about a second. The version in the name changes with photoLike.
var benchPhotoDir = filepath.Join(os.TempDir(), "weigong-bench-photos-v1")

// benchPhotos returns nine different 4032×3024 photo-like JPEGs (quality
// 90, 4:2:0, about 2.4 MB each, like a 12 MP phone photo), made once and
// cached in dir.
func benchPhotos(tb testing.TB, dir string) [][]byte {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	photos := make([][]byte, 9)
	var wg sync.WaitGroup
	for i := range photos {
		path := filepath.Join(dir, fmt.Sprintf("photo-%d.jpg", i+1))
		if data, err := os.ReadFile(path); err == nil {
			photos[i] = data
			continue
		}
		wg.Go(func() {
			photos[i] = jpegBytes(tb, photoLike(4032, 3024, uint64(i+1)), 90)
		})
		defer func() {
			if err := os.WriteFile(path, photos[i], 0o644); err != nil {
				tb.Error(err)
			}
		}()
	}
	wg.Wait()
	return photos
}

// TestWriteBenchPhotos writes the benchmark photos to the directory named
// by WEIGONG_BENCH_PHOTOS, so bench/vips.sh can time libvips on the very
// same files. It does nothing in a normal test run.
func TestWriteBenchPhotos(t *testing.T) {
	dir := os.Getenv("WEIGONG_BENCH_PHOTOS")
	if dir == "" {
		t.Skip("set WEIGONG_BENCH_PHOTOS to a directory to write the benchmark photos")
	}
	benchPhotos(t, dir)
}

// BenchmarkPhotoPipeline measures what a supplier waits for when posting a
// nine-photo card: nine 12 MP uploads processed concurrently through a
// Pipeline with two workers, the size of this machine.
func BenchmarkPhotoPipeline(b *testing.B) {
	photos := benchPhotos(b, benchPhotoDir)
	p := NewPipeline(2)
	peak := startPeakMemory(b)
	for b.Loop() {
		var wg sync.WaitGroup
		for _, data := range photos {
			wg.Go(func() { mustProcess(b, p, data) })
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/card")
	peak.report(b)
}

// BenchmarkPhotoPipelineSingle measures one photo alone: the latency of a
// single upload on an idle server.
func BenchmarkPhotoPipelineSingle(b *testing.B) {
	photos := benchPhotos(b, benchPhotoDir)
	p := NewPipeline(2)
	peak := startPeakMemory(b)
	for b.Loop() {
		mustProcess(b, p, photos[0])
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/photo")
	peak.report(b)
}

func mustProcess(tb testing.TB, p *Pipeline, data []byte) Photo {
	photo, err := p.Process(context.Background(), bytes.NewReader(data))
	if err != nil {
		tb.Error(err)
	}
	return photo
}
