package assets

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"math"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium starts a headless Chromium for a test and returns a context
// to run actions in. Tests that compare with Chromium skip when it is not
// installed; .ci/run installs it, so they run in CI.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (.ci/run installs it)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true),
		// Render as on a plain sRGB screen, whatever the machine says.
		chromedp.Flag("force-color-profile", "srgb"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// quadrantCentres are where images are compared with Chromium's, in
// quarters of the width and height.
var quadrantCentres = [4][2]int{{1, 1}, {3, 1}, {1, 3}, {3, 3}}

// chromiumShows returns the size of the image as Chromium shows it and
// its pixels at the quadrant centres: it is loaded into an <img> (which
// applies the orientation and the colour profile), drawn on an sRGB
// canvas at its natural size and read back.
func chromiumShows(t *testing.T, ctx context.Context, data []byte, mime string) (image.Point, [4]color.NRGBA) {
	t.Helper()
	const script = `(async () => {
		const img = new Image();
		img.src = %q;
		await img.decode();
		const c = document.createElement("canvas");
		c.width = img.naturalWidth;
		c.height = img.naturalHeight;
		const g = c.getContext("2d");
		g.drawImage(img, 0, 0);
		const px = [];
		for (const [qx, qy] of %s) {
			px.push(...g.getImageData(Math.floor(qx * c.width / 4), Math.floor(qy * c.height / 4), 1, 1).data);
		}
		return {w: c.width, h: c.height, px: px};
	})()`
	type shown struct {
		W, H int
		Px   []int
	}
	src := "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
	centres, _ := json.Marshal(quadrantCentres)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[shown](fmt.Sprintf(script, src, centres), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	var px [4]color.NRGBA
	for i := range px {
		p := out.Px[4*i:]
		px[i] = color.NRGBA{byte(p[0]), byte(p[1]), byte(p[2]), byte(p[3])}
	}
	return image.Pt(out.W, out.H), px
}

// TestProcess_MatchesChromium ensures each photo comes out as Chromium
// shows the upload, turned and coloured the same: for every format, where
// the orientation and the colour profile can be and where they are
// ignored. It is the check behind the choices in scanPNG and scanWebP; if
// a later Chromium starts honouring, say, a WebP's EXIF orientation, this
// fails and says which file differs.
func TestProcess_MatchesChromium(t *testing.T) {
	ctx := chromium(t)
	exif := func(o uint16) []byte { return tiffWithOrientation(binary.LittleEndian, o) }
	quadrants, lossless := readTestdata(t, "quadrants.webp"), readTestdata(t, "quadrants-lossless.webp")
	cases := []struct {
		name, mime string
		data       []byte
	}{
		{"jpeg EXIF 6", "image/jpeg", withEXIF(jpegBytes(t, stored(upright(), 6), 95), exif(6))},
		{"png eXIf 6", "image/png", pngWith(t, stored(upright(), 6), false, pngChunk("eXIf", exif(6)))},
		{"png eXIf 7", "image/png", pngWith(t, stored(upright(), 7), false, pngChunk("eXIf", exif(7)))},
		{"png eXIf after IDAT", "image/png", pngWith(t, stored(upright(), 6), true, pngChunk("eXIf", exif(6)))},
		{"png eXIf with Exif prefix", "image/png", pngWith(t, stored(upright(), 6), false, pngChunk("eXIf", append([]byte("Exif\x00\x00"), exif(6)...)))},
		{"webp lossy EXIF 6", "image/webp", extendedWebP(t, quadrants, webpFlagEXIF, nil, exif(6))},
		{"webp lossless EXIF 3", "image/webp", extendedWebP(t, lossless, webpFlagEXIF, nil, exif(3))},
		{"jpeg Adobe RGB", "image/jpeg", withICC(jpegBytes(t, uniformRGBA([3]byte{113, 199, 48}), 100), adobeRGBProfile())},
		{"jpeg Display P3, split", "image/jpeg", withICCParts(jpegBytes(t, uniformRGBA([3]byte{200, 100, 80}), 100), displayP3Profile(), 200)},
		{"png Display P3", "image/png", pngWith(t, uniformRGBA([3]byte{30, 140, 220}), false, iccpChunk(t, displayP3Profile()))},
		{"png Adobe RGB after IDAT", "image/png", pngWith(t, uniformRGBA([3]byte{113, 199, 48}), true, iccpChunk(t, adobeRGBProfile()))},
		{"webp Adobe RGB", "image/webp", extendedWebP(t, lossless, webpFlagICC, adobeRGBProfile(), nil)},
		{"webp Adobe RGB not flagged", "image/webp", extendedWebP(t, lossless, 0, adobeRGBProfile(), nil)},
		{"webp lossy Adobe RGB", "image/webp", extendedWebP(t, quadrants, webpFlagICC, adobeRGBProfile(), nil)},
		{"jpeg grey, gamma 2.2", "image/jpeg", withICC(jpegBytes(t, uniformGrey(15), 100), greyProfile(gammaCurv(563.0/256)))},
		{"png grey, table", "image/png", pngWith(t, uniformGrey(90), false, iccpChunk(t, greyProfile(tableCurv(func(v float64) float64 { return math.Pow(v, 1.8) }, 256))))},
		{"webp lossy with alpha", "image/webp", readTestdata(t, "large-lossy-alpha.webp")},
		{"webp lossy, large", "image/webp", readTestdata(t, "large-lossy.webp")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			size, want := chromiumShows(t, ctx, c.data, c.mime)
			photo, err := process(t, c.data)
			if err != nil {
				t.Fatal(err)
			}
			dw, dh := fitSize(size.X, size.Y, displaySize)
			got := mustDecode(t, photo.Display, dw, dh)
			for i, at := range quadrantCentres {
				w := want[i]
				// Chromium's canvas keeps alpha; the pipeline puts white behind it.
				over := func(v uint8) float64 { return (float64(v)*float64(w.A) + 255*float64(255-w.A)) / 255 }
				wantNear(t, got, at[0]*dw/4, at[1]*dh/4, [3]float64{over(w.R), over(w.G), over(w.B)}, 6)
			}
		})
	}
}
