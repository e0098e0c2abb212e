package share

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// cellColours holds nine colours far enough apart to tell the cells apart
// after JPEG compression.
var cellColours = []color.RGBA{
	{220, 30, 30, 255}, {30, 180, 30, 255}, {30, 30, 220, 255},
	{230, 200, 20, 255}, {200, 30, 200, 255}, {20, 190, 200, 255},
	{40, 40, 40, 255}, {240, 130, 20, 255}, {120, 70, 20, 255},
}

// solidGrid returns a 360×360 grid image of colour c as the pipeline's
// grid JPEGs decode (4:2:0 YCbCr), or as NRGBA when asJPEG is false.
func solidGrid(t testing.TB, c color.RGBA, asJPEG bool) image.Image {
	m := image.NewNRGBA(image.Rect(0, 0, 360, 360))
	draw.Draw(m, m.Rect, image.NewUniform(c), image.Point{}, draw.Src)
	if !asJPEG {
		return m
	}
	return reencode(t, m)
}

func reencode(t testing.TB, m image.Image) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCollage_Layouts ensures each layout has the documented size and puts
// each image in its own cell, in order: the centre of cell i has colour i,
// the gutters and any unused cell (the fourth, for three images) are white.
func TestCollage_Layouts(t *testing.T) {
	white := color.RGBA{255, 255, 255, 255}
	cases := []struct {
		n, cols, cell, height int
		asJPEG                bool
	}{
		{1, 1, 1080, 1080, true},
		{2, 2, 537, 537, true},
		{3, 2, 537, 1080, true},
		{4, 2, 537, 1080, false},
		{5, 3, 356, 718, false},
		{9, 3, 356, 1080, true},
	}
	for _, c := range cases {
		grids := make([]image.Image, c.n)
		for i := range grids {
			grids[i] = solidGrid(t, cellColours[i], c.asJPEG)
		}
		out := decodeCollage(t, grids, 1080, c.height)
		rows := (c.n + c.cols - 1) / c.cols
		for i := range rows * c.cols {
			x := i%c.cols*(c.cell+6) + c.cell/2
			y := i/c.cols*(c.cell+6) + c.cell/2
			if i < c.n {
				wantColour(t, out, x, y, cellColours[i])
			} else {
				wantColour(t, out, x, y, white)
			}
		}
		if c.n > 1 { // the gutter right of the first cell
			wantColour(t, out, c.cell+3, c.cell/2, white)
		}
	}
}

// TestCollage_Invalid ensures a wrong number of images, or an empty one,
// is a 400, not a panic.
func TestCollage_Invalid(t *testing.T) {
	ten := make([]image.Image, 10)
	for i := range ten {
		ten[i] = solidGrid(t, cellColours[0], false)
	}
	for name, grids := range map[string][]image.Image{
		"none":  nil,
		"ten":   ten,
		"nil":   {nil},
		"empty": {image.NewRGBA(image.Rect(0, 0, 0, 0))},
	} {
		if _, err := Collage(grids); catalog.ErrorCode(err) != catalog.Invalid {
			t.Errorf("%s: got %v, want an invalid-argument error", name, err)
		}
	}
}

func decodeCollage(t *testing.T, grids []image.Image, w, h int) image.Image {
	t.Helper()
	data, err := Collage(grids)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := out.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("%d images: collage is %d×%d, want %d×%d", len(grids), b.Dx(), b.Dy(), w, h)
	}
	return out
}

// wantColour checks one pixel within a JPEG's tolerance.
func wantColour(t *testing.T, m image.Image, x, y int, want color.RGBA) {
	t.Helper()
	got := color.RGBAModel.Convert(m.At(x, y)).(color.RGBA)
	diff := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
	if max(diff(got.R, want.R), diff(got.G, want.G), diff(got.B, want.B)) > 40 {
		t.Errorf("pixel (%d,%d) is %v, want %v", x, y, got, want)
	}
}

// BenchmarkCollage makes the nine-grid collage from nine 360×360 grid
// images with photo-like detail, decoded from JPEG as the server has them.
func BenchmarkCollage(b *testing.B) {
	grids := make([]image.Image, 9)
	for i := range grids {
		grids[i] = texturedGrid(b, uint64(i))
	}
	start := cpuTime()
	for b.Loop() {
		if _, err := Collage(grids); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time per collage moves much less than wall time on a busy machine.
	b.ReportMetric(float64(cpuTime()-start)/1e6/float64(b.N), "cpu-ms/op")
}

// cpuTime returns the user plus system CPU time of the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// texturedGrid returns a 360×360 JPEG-decoded image with gradients, edges
// and noise, about 31 KB as a quality-85 JPEG like the pipeline's grid
// images of 12 MP photos: flat test images would flatter the encoder.
func texturedGrid(tb testing.TB, seed uint64) image.Image {
	rng := rand.New(rand.NewPCG(seed, 9))
	m := image.NewNRGBA(image.Rect(0, 0, 360, 360))
	for y := range 360 {
		for x := range 360 {
			v := 110 + 60*math.Sin(float64(x)/23+float64(seed)) + 40*math.Cos(float64(y)/17) + float64(rng.IntN(57)-28)
			if (x/60+y/90)%3 == 0 {
				v += 40
			}
			c := uint8(min(255, max(0, v)))
			m.SetNRGBA(x, y, color.NRGBA{c, uint8(y*255/360) / 2, 255 - c, 255})
		}
	}
	return reencode(tb, m)
}

// TestCollageSize_MatchesCollage ensures the size a page states for the
// collage of n images is the size Collage renders, for n = 1 to 9.
func TestCollageSize_MatchesCollage(t *testing.T) {
	for n := 1; n <= 9; n++ {
		grids := make([]image.Image, n)
		for i := range grids {
			grids[i] = solidGrid(t, cellColours[i], true)
		}
		data, err := Collage(grids)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if w, h := CollageSize(n); w != cfg.Width || h != cfg.Height {
			t.Errorf("CollageSize(%d) = %d×%d, Collage renders %d×%d", n, w, h, cfg.Width, cfg.Height)
		}
	}
}
