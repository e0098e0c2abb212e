package share

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"sync"

	"github.com/disintegration/imaging"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// A watermark is the distributor's handle ("@xiao_li") in the bottom-right
// corner of a share's photos and collage: white Go Bold letters on a
// translucent dark band, so that a buyer who saves a photo keeps the
// distributor's name with it. Its height is about 1/22 of the image's
// shorter side (49 px on a 1080 px photo, 16 px on a 360 px grid cell),
// never under 12 px. Handles are ASCII [a-z0-9_], which Go Bold covers.
const (
	watermarkMinPx = 12
	// watermarkQuality is the JPEG quality of watermarked copies: above
	// the pipeline's 85, so that re-encoding the rest of the photo adds
	// little loss to what the original already had.
	watermarkQuality = 92
)

// watermarkBand is the band behind the letters: black at about 45 %.
var watermarkBand = color.NRGBA{A: 115}

var watermarkFont = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(gobold.TTF) })

// WatermarkText is what a watermark says for a distributor's handle.
func WatermarkText(handle string) string { return "@" + handle }

// Watermark returns a copy of img with text in its bottom-right corner,
// and the rectangle the watermark covers; img itself is not changed.
func Watermark(img image.Image, text string) (*image.RGBA, image.Rectangle, error) {
	b := img.Bounds()
	f, err := watermarkFont()
	if err != nil {
		return nil, image.Rectangle{}, fmt.Errorf("loading the watermark font: %w", err)
	}
	px := max(watermarkMinPx, min(b.Dx(), b.Dy())/22)
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, image.Rectangle{}, err
	}
	defer face.Close()
	box, dot := watermarkLayout(b, face, text, px)
	out := image.NewRGBA(b)
	draw.Draw(out, b, img, b.Min, draw.Src)
	draw.Draw(out, box, image.NewUniform(watermarkBand), image.Point{}, draw.Over)
	d := font.Drawer{Dst: out, Src: image.White, Face: face, Dot: dot}
	d.DrawString(text)
	return out, box.Intersect(b), nil
}

// watermarkLayout places the band and the text's baseline: padding a third
// of the text size around the letters, a margin of half of it from the
// image's edges.
func watermarkLayout(b image.Rectangle, face font.Face, text string, px int) (box image.Rectangle, dot fixed.Point26_6) {
	m := face.Metrics()
	pad, margin := px/3, px/2
	w := font.MeasureString(face, text).Ceil() + 2*pad
	h := (m.Ascent + m.Descent).Ceil() + 2*pad
	box = image.Rect(b.Max.X-margin-w, b.Max.Y-margin-h, b.Max.X-margin, b.Max.Y-margin)
	return box, fixed.P(box.Min.X+pad, box.Max.Y-pad-m.Descent.Ceil())
}

// WatermarkJPEG decodes a JPEG, watermarks it and encodes it again.
func WatermarkJPEG(data []byte, text string) ([]byte, error) {
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decoding a photo to watermark: %w", err)
	}
	marked, _, err := Watermark(img, text)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := imaging.Encode(&buf, marked, imaging.JPEG, imaging.JPEGQuality(watermarkQuality)); err != nil {
		return nil, fmt.Errorf("encoding a watermarked photo: %w", err)
	}
	return buf.Bytes(), nil
}
