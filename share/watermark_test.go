package share

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// photo returns a w×h JPEG (quality 85, as the pipeline writes) of a
// smooth gradient with noise, so that re-encoding it is a realistic test.
func photo(t *testing.T, w, h int) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			n := uint8(rng.IntN(12))
			img.SetRGBA(x, y, color.RGBA{uint8(40+150*x/w) + n, uint8(60+120*y/h) + n, 140 + n, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// diff is the mean absolute difference per channel (0..255) between two
// images over the pixels of r, and the share of those pixels that differ
// by more than 24 in some channel.
func diff(a, b image.Image, r image.Rectangle, skip image.Rectangle) (mean float64, changed float64) {
	var sum, n, big float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if image.Pt(x, y).In(skip) {
				continue
			}
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			d := []float64{absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)}
			sum += d[0] + d[1] + d[2]
			n += 3
			if max(d[0], d[1], d[2]) > 24 {
				big++
			}
		}
	}
	return sum / n, big / (n / 3)
}

func absDiff(a, b uint32) float64 {
	if a > b {
		return float64(a-b) / 257
	}
	return float64(b-a) / 257
}

// TestWatermarkJPEG_CornerOnly ensures a watermark changes the bottom-right
// corner of a photo and, but for the small loss of encoding it again,
// nothing else; that it writes the text (white letters) there; and that
// it leaves the image it was given as it was.
func TestWatermarkJPEG_CornerOnly(t *testing.T) {
	for _, size := range []image.Point{{1080, 810}, {360, 360}} {
		original := photo(t, size.X, size.Y)
		marked, err := WatermarkJPEG(original, WatermarkText("xiao_li_88"))
		if err != nil {
			t.Fatal(err)
		}
		before, after := decode(t, original), decode(t, marked)
		_, box, err := Watermark(before, WatermarkText("xiao_li_88"))
		if err != nil {
			t.Fatal(err)
		}
		b := before.Bounds()
		if box.Empty() || box.Max.X <= b.Dx()*3/4 || box.Max.Y <= b.Dy()*3/4 || box.Dx() > b.Dx()*3/4 {
			t.Fatalf("%v: watermark box %v is not a bottom-right corner", size, box)
		}
		if mean, _ := diff(before, after, box, image.Rectangle{}); mean < 25 {
			t.Errorf("%v: the corner barely changed (mean difference %.1f)", size, mean)
		}
		// JPEG blocks are 8 (16 for chroma) pixels: the rest is compared
		// beyond a 16-pixel border around the box.
		mean, changed := diff(before, after, b, box.Inset(-16))
		if mean > 1.5 || changed > 0.0001 {
			t.Errorf("%v: outside the corner the mean difference is %.2f and %.3f%% of pixels changed by >24",
				size, mean, 100*changed)
		}
		if white := whitePixels(after, box); white < box.Dx()*box.Dy()/25 {
			t.Errorf("%v: only %d near-white pixels in the %v box: no text drawn", size, white, box)
		}
		if again := decode(t, original); func() bool { m, _ := diff(before, again, b, image.Rectangle{}); return m != 0 }() {
			t.Errorf("%v: the original changed", size)
		}
	}
}

func whitePixels(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if r, g, b, _ := img.At(x, y).RGBA(); r > 220*257 && g > 220*257 && b > 220*257 {
				n++
			}
		}
	}
	return n
}

// TestWatermark_TextDiffers ensures the watermark shows the handle it is
// given: two handles give two different corners.
func TestWatermark_TextDiffers(t *testing.T) {
	img := decode(t, photo(t, 1080, 810))
	a, box, err := Watermark(img, WatermarkText("aaaa"))
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Watermark(img, WatermarkText("zz_99"))
	if err != nil {
		t.Fatal(err)
	}
	if mean, _ := diff(a, b, box, image.Rectangle{}); mean < 5 {
		t.Errorf("two handles give nearly the same corner (mean difference %.1f)", mean)
	}
}

// memBlobs is an in-memory Blobs that counts writes.
type memBlobs struct {
	mu    sync.Mutex
	files map[string][]byte
	puts  int
}

func (m *memBlobs) Put(_ context.Context, key string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[key] = append([]byte(nil), data...)
	m.puts++
	return nil
}

func (m *memBlobs) Open(_ context.Context, key string) (io.ReadCloser, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.files[key]
	if !ok {
		return nil, 0, catalog.Errorf(catalog.NotFound, "no such file")
	}
	return io.NopCloser(bytes.NewReader(data)), int64(len(data)), nil
}

func (m *memBlobs) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.files, key)
	return nil
}

// TestWatermarks_CachedPerShare ensures a watermarked share's photos and
// collage are rendered once and then served from the blob store, that the
// card's own photos and collage stay byte for byte as they were, that a
// share without a watermark gets none, and that Forget removes the copies.
func TestWatermarks_CachedPerShare(t *testing.T) {
	ctx := context.Background()
	blobs := &memBlobs{files: map[string][]byte{}}
	card := catalog.Card{ID: "card1"}
	for _, id := range []string{"img1", "img2"} {
		card.Images = append(card.Images, catalog.Image{ID: id})
		blobs.files[id+"/display.jpg"] = photo(t, 1080, 810)
		blobs.files[id+"/grid.jpg"] = photo(t, 360, 360)
	}
	w := &Watermarks{Collages: &Collages{Blobs: blobs}}
	plainCollage, err := w.Collages.Get(ctx, card)
	if err != nil {
		t.Fatal(err)
	}
	originals := map[string][]byte{}
	for k, v := range blobs.files {
		originals[k] = v
	}
	sh := Share{ID: "AAAAAAAAAAAAAAAAAAAAAA", Watermark: true}
	first, err := w.Photo(ctx, sh, card, 2, "display", "@xiao_li")
	if err != nil {
		t.Fatal(err)
	}
	puts := blobs.puts
	again, err := w.Photo(ctx, sh, card, 2, "display", "@xiao_li")
	if err != nil || !bytes.Equal(first, again) || blobs.puts != puts {
		t.Errorf("the second request rendered again (%d writes, was %d) or differs: %v", blobs.puts, puts, err)
	}
	if bytes.Equal(first, originals["img2/display.jpg"]) {
		t.Error("the watermarked photo is the original")
	}
	marked, err := w.Collage(ctx, sh, card, "@xiao_li")
	if err != nil || bytes.Equal(marked, plainCollage) {
		t.Fatalf("watermarked collage: equal to the plain one, or %v", err)
	}
	if _, err := w.Photo(ctx, sh, card, 1, "grid", "@xiao_li"); err != nil {
		t.Fatal(err)
	}
	for k, v := range originals {
		if !bytes.Equal(blobs.files[k], v) {
			t.Errorf("%s changed", k)
		}
	}
	for name, call := range map[string]func() error{
		"photo 0":        func() error { _, err := w.Photo(ctx, sh, card, 0, "display", "@x"); return err },
		"photo 3 of 2":   func() error { _, err := w.Photo(ctx, sh, card, 3, "display", "@x"); return err },
		"size original":  func() error { _, err := w.Photo(ctx, sh, card, 1, "original", "@x"); return err },
		"no watermark":   func() error { _, err := w.Photo(ctx, Share{ID: sh.ID}, card, 1, "grid", "@x"); return err },
		"plain collage":  func() error { _, err := w.Collage(ctx, Share{ID: sh.ID}, card, "@x"); return err },
		"path in a size": func() error { _, err := w.Photo(ctx, sh, card, 1, "../grid", "@x"); return err },
	} {
		if err := call(); catalog.ErrorCode(err) != catalog.NotFound {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	if err := w.Forget(ctx, sh, card); err != nil {
		t.Fatal(err)
	}
	for k := range blobs.files {
		if strings.HasPrefix(k, "watermarks/") {
			t.Errorf("%s is still stored after Forget", k)
		}
	}
}
