package assets

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"testing"

	"github.com/disintegration/imaging"
)

var (
	red   = color.RGBA{220, 20, 20, 255}
	green = color.RGBA{20, 200, 20, 255}
	blue  = color.RGBA{20, 20, 220, 255}
	white = color.RGBA{255, 255, 255, 255}
)

// upright returns the image as it should look: a 96×64 picture whose
// quadrants are red, green (top), blue, white (bottom). No two of the
// eight orientations leave it looking the same.
func upright() *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, 96, 64))
	for i, c := range []color.RGBA{red, green, blue, white} {
		x, y := i%2*48, i/2*32
		draw.Draw(m, image.Rect(x, y, x+48, y+32), image.NewUniform(c), image.Point{}, draw.Src)
	}
	return m
}

// stored returns what a camera would store for the upright image under
// EXIF orientation o: the inverse of the transform a viewer applies. It is
// made with imaging's transforms, not this package's, so the test does not
// check the code against itself.
func stored(m image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(m)
	case 3:
		return imaging.Rotate180(m)
	case 4:
		return imaging.FlipV(m)
	case 5:
		return imaging.Transpose(m)
	case 6: // the viewer turns it 90° clockwise, so it is stored turned back
		return imaging.Rotate90(m)
	case 7:
		return imaging.Transverse(m)
	case 8:
		return imaging.Rotate270(m)
	}
	return m
}

// TestProcess_Orientation ensures that for all eight EXIF orientations, in
// both TIFF byte orders, the outputs come out upright: same quadrant
// colours, and width and height swapped back for orientations 5 to 8.
func TestProcess_Orientation(t *testing.T) {
	for o := 1; o <= 8; o++ {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			t.Run(fmt.Sprintf("%d/%v", o, order), func(t *testing.T) {
				src := stored(upright(), o)
				if b := src.Bounds(); (o >= 5) != (b.Dx() == 64) {
					t.Fatalf("stored image is %v", b)
				}
				photo, err := process(t, withEXIF(jpegBytes(t, src, 95), tiffWithOrientation(order, uint16(o))))
				if err != nil {
					t.Fatal(err)
				}
				display := mustDecode(t, photo.Display, 96, 64)
				if photo.Width != 96 || photo.Height != 64 {
					t.Errorf("reported size %d×%d, want 96×64", photo.Width, photo.Height)
				}
				wantQuadrants(t, display, 24, 16, 48, 32)
				wantQuadrants(t, mustDecode(t, photo.Grid, 360, 360), 90, 90, 180, 180)
			})
		}
	}
}

// wantQuadrants checks the upright quadrant colours at (x, y) and at the
// points dx right and dy down from it.
func wantQuadrants(t *testing.T, m image.Image, x, y, dx, dy int) {
	t.Helper()
	wantColour(t, m, x, y, red)
	wantColour(t, m, x+dx, y, green)
	wantColour(t, m, x, y+dy, blue)
	wantColour(t, m, x+dx, y+dy, white)
}

// wantColour checks one pixel within a JPEG's tolerance.
func wantColour(t *testing.T, m image.Image, x, y int, want color.RGBA) {
	t.Helper()
	got := color.RGBAModel.Convert(m.At(x, y)).(color.RGBA)
	d := max(absDiff(got.R, want.R), absDiff(got.G, want.G), absDiff(got.B, want.B))
	if d > 40 {
		t.Errorf("pixel (%d,%d) is %v, want %v", x, y, got, want)
	}
}

func absDiff(a, b uint8) int {
	return max(int(a)-int(b), int(b)-int(a))
}

// TestProcess_OrientationPNG ensures a PNG's eXIf chunk turns the outputs
// upright for all eight orientations, in both byte orders, as Chromium
// shows such a PNG.
func TestProcess_OrientationPNG(t *testing.T) {
	for o := 1; o <= 8; o++ {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			t.Run(fmt.Sprintf("%d/%v", o, order), func(t *testing.T) {
				data := pngWith(t, stored(upright(), o), false, pngChunk("eXIf", tiffWithOrientation(order, uint16(o))))
				photo, err := process(t, data)
				if err != nil {
					t.Fatal(err)
				}
				if photo.Width != 96 || photo.Height != 64 {
					t.Errorf("reported size %d×%d, want 96×64", photo.Width, photo.Height)
				}
				wantQuadrants(t, mustDecode(t, photo.Display, 96, 64), 24, 16, 48, 32)
				wantQuadrants(t, mustDecode(t, photo.Grid, 360, 360), 90, 90, 180, 180)
			})
		}
	}
}

// TestProcess_OrientationIgnoredWhereBrowsersIgnoreIt ensures the
// orientation is taken only from where Chromium takes it: an eXIf chunk
// after the image data, an eXIf body with a JPEG-style "Exif" prefix, and
// the EXIF chunk of a WebP all leave the image as stored, as Chromium 148
// shows them (TestProcess_MatchesChromium checks the same files there).
func TestProcess_OrientationIgnoredWhereBrowsersIgnoreIt(t *testing.T) {
	exif := tiffWithOrientation(binary.BigEndian, 6)
	quadrants := readTestdata(t, "quadrants.webp")
	for name, data := range map[string][]byte{
		"png eXIf after IDAT":  pngWith(t, upright(), true, pngChunk("eXIf", exif)),
		"png eXIf with prefix": pngWith(t, upright(), false, pngChunk("eXIf", append([]byte("Exif\x00\x00"), exif...))),
		"webp EXIF chunk":      extendedWebP(t, quadrants, webpFlagEXIF, nil, exif),
	} {
		t.Run(name, func(t *testing.T) {
			photo, err := process(t, data)
			if err != nil {
				t.Fatal(err)
			}
			wantQuadrants(t, mustDecode(t, photo.Display, 96, 64), 24, 16, 48, 32)
		})
	}
}
