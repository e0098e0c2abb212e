package share

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"

	"github.com/disintegration/imaging"
)

// Collage geometry: 1080 px wide with thin white gutters, as social apps
// lay out one to nine photos.
const (
	collageWidth = 1080
	gutter       = 6
)

// Collage lays out 1..9 grid images: one large; two to four in two
// columns; five to nine in three. It returns JPEG bytes.
func Collage(grids []image.Image) ([]byte, error) {
	n := len(grids)
	if n < 1 || n > 9 {
		return nil, errors.New("share: a collage needs 1 to 9 images")
	}
	cols := gridColumns(n)
	rows := (n + cols - 1) / cols
	cell := (collageWidth - (cols+1)*gutter) / cols
	height := rows*cell + (rows+1)*gutter
	canvas := image.NewRGBA(image.Rect(0, 0, collageWidth, height))
	draw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	for i, g := range grids {
		x := gutter + (i%cols)*(cell+gutter)
		y := gutter + (i/cols)*(cell+gutter)
		tile := imaging.Fill(g, cell, cell, imaging.Center, imaging.Linear)
		draw.Draw(canvas, image.Rect(x, y, x+cell, y+cell), tile, image.Point{}, draw.Src)
	}
	var buf bytes.Buffer
	if err := imaging.Encode(&buf, canvas, imaging.JPEG, imaging.JPEGQuality(85)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
