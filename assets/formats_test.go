package assets

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"os"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// TestProcess_PNG ensures a PNG is accepted and that transparency becomes
// white, as it looks on a white page, rather than black.
func TestProcess_PNG(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 1200, 900))
	for y := range 900 {
		for x := range 1200 {
			if x < 600 {
				m.SetNRGBA(x, y, color.NRGBA{R: 200, G: 30, B: 30, A: 255})
			} // the right half stays fully transparent
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	photo, err := process(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	out := mustDecode(t, photo.Display, 1080, 810)
	wantColour(t, out, 270, 405, color.RGBA{200, 30, 30, 255})
	wantColour(t, out, 810, 405, color.RGBA{255, 255, 255, 255})
}

// TestProcess_WebP ensures lossy and lossless WebP are accepted. The files
// in testdata were made with cwebp (see testdata/README).
func TestProcess_WebP(t *testing.T) {
	for name, size := range map[string]image.Point{
		"testdata/lossy.webp":          {240, 160},
		"testdata/lossless-alpha.webp": {120, 90},
	} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		photo, err := process(t, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mustDecode(t, photo.Display, size.X, size.Y)
		mustDecode(t, photo.Grid, 360, 360)
	}
}

// TestProcess_NotAnImage ensures text, GIF and an empty body are refused
// with 415, whatever decoders other packages register.
func TestProcess_NotAnImage(t *testing.T) {
	var gifData bytes.Buffer
	if err := gif.Encode(&gifData, image.NewPaletted(image.Rect(0, 0, 8, 8), color.Palette{color.Black}), nil); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"text":  []byte("this is not a photo, it is a shopping list\n"),
		"gif":   gifData.Bytes(),
		"empty": nil,
	} {
		_, err := process(t, data)
		t.Run(name, func(t *testing.T) { wantCode(t, err, catalog.UnsupportedMedia) })
	}
}

// TestProcess_Truncated ensures a JPEG cut short, in its header or in its
// scan, is refused with 415.
func TestProcess_Truncated(t *testing.T) {
	data := jpegBytes(t, photoLike(640, 480, 4), 90)
	for _, n := range []int{3, 40, 200, len(data) / 2} {
		_, err := process(t, data[:n])
		wantCode(t, err, catalog.UnsupportedMedia)
	}
}

// TestProcess_TooManyBytes ensures an upload one byte over 20 MiB gets 413,
// even though its first bytes look like a JPEG.
func TestProcess_TooManyBytes(t *testing.T) {
	head := jpegBytes(t, photoLike(64, 64, 5), 90)
	body := io.MultiReader(bytes.NewReader(head), io.LimitReader(zeros{}, MaxUploadBytes+1-int64(len(head))))
	_, err := NewPipeline(1).Process(context.Background(), body)
	wantCode(t, err, catalog.TooLarge)
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestProcess_OtherLayouts ensures the decoders' other pixel layouts (a
// grayscale JPEG, a paletted and a 16-bit PNG) go through the generic
// conversion and keep their colour.
func TestProcess_OtherLayouts(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 300, 200))
	pal := image.NewPaletted(image.Rect(0, 0, 300, 200), color.Palette{color.RGBA{20, 200, 20, 255}})
	deep := image.NewRGBA64(image.Rect(0, 0, 300, 200))
	for i := range gray.Pix {
		gray.Pix[i] = 60
	}
	for i := 0; i < len(deep.Pix); i += 8 {
		copy(deep.Pix[i:], []byte{0xDC, 0, 0x14, 0, 0x14, 0, 0xFF, 0xFF})
	}
	var pngPal, pngDeep bytes.Buffer
	if png.Encode(&pngPal, pal) != nil || png.Encode(&pngDeep, deep) != nil {
		t.Fatal("encoding the PNGs failed")
	}
	for name, c := range map[string]struct {
		data []byte
		want color.RGBA
	}{
		"gray jpeg":  {jpegBytes(t, gray, 90), color.RGBA{60, 60, 60, 255}},
		"paletted":   {pngPal.Bytes(), color.RGBA{20, 200, 20, 255}},
		"16-bit png": {pngDeep.Bytes(), color.RGBA{220, 20, 20, 255}},
	} {
		photo, err := process(t, c.data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wantColour(t, mustDecode(t, photo.Display, 300, 200), 150, 100, c.want)
	}
}

// TestProcess_WebPLossyFullRange ensures a lossy WebP keeps its contrast:
// VP8 stores studio-range YCbCr (white at 235), and the outputs must show
// white as white and red as the red that was encoded, as libwebp and
// browsers do.
func TestProcess_WebPLossyFullRange(t *testing.T) {
	for name, data := range map[string][]byte{
		"lossy":            readTestdata(t, "quadrants.webp"),
		"lossy, extended":  extendedWebP(t, readTestdata(t, "quadrants.webp"), 0, nil, nil),
		"lossless control": readTestdata(t, "quadrants-lossless.webp"),
	} {
		t.Run(name, func(t *testing.T) {
			photo, err := process(t, data)
			if err != nil {
				t.Fatal(err)
			}
			m := mustDecode(t, photo.Display, 96, 64)
			wantNear(t, m, 72, 48, [3]float64{255, 255, 255}, 4)
			wantNear(t, m, 24, 16, [3]float64{220, 20, 20}, 6)
			wantNear(t, m, 24, 48, [3]float64{20, 20, 220}, 6)
		})
	}
}
