package assets

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"os"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// FuzzProcess feeds arbitrary bytes to the EXIF reader and the whole
// pipeline. Whatever comes in, it must not panic, and it must either
// succeed or fail with one of the two user errors (413, 415), never an
// internal one. Run it with: go test -fuzz FuzzProcess ./assets/
func FuzzProcess(f *testing.F) {
	small := jpegBytes(f, photoLike(40, 30, 7), 80)
	f.Add(small)
	f.Add(withEXIF(small, tiffWithOrientation(binary.LittleEndian, 6)))
	f.Add(withEXIF(small, tiffWithOrientation(binary.BigEndian, 8))[:300])
	f.Add(hugeJPEG(9000, 9000)[:40])
	f.Add(hugePNG(20, 20)[:60])
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, image.NewGray(image.Rect(0, 0, 9, 5))); err != nil {
		f.Fatal(err)
	}
	f.Add(pngData.Bytes())
	for _, name := range []string{"testdata/lossy.webp", "testdata/lossless-alpha.webp"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// Files carrying the metadata the pipeline reads: ICC profiles in all
	// three formats, an eXIf chunk, a progressive JPEG.
	f.Add(withICCParts(small, adobeRGBProfile(), 200))
	f.Add(pngWith(f, image.NewGray(image.Rect(0, 0, 9, 5)), false, iccpChunk(f, displayP3Profile()), pngChunk("eXIf", tiffWithOrientation(binary.BigEndian, 6))))
	f.Add(extendedWebP(f, readTestdata(f, "quadrants.webp"), webpFlagICC, adobeRGBProfile(), nil))
	f.Add(syntheticJPEG(33, 17, true, ycbcr420, -1))
	p := NewPipeline(1)
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := scanJPEG(data).orientation; o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		photo, err := p.Process(t.Context(), bytes.NewReader(data))
		switch catalog.ErrorCode(err) {
		case catalog.TooLarge, catalog.UnsupportedMedia:
			return
		}
		if err != nil {
			t.Fatalf("internal error: %v", err)
		}
		if len(photo.Display) == 0 || len(photo.Grid) == 0 || photo.Width < 1 || photo.Height < 1 {
			t.Fatalf("empty output %d×%d", photo.Width, photo.Height)
		}
	})
}

// FuzzParseRGBProfile feeds arbitrary bytes to the ICC parser and the
// converter built from what it accepts: no panic, and every colour maps to
// some colour. Run it with: go test -fuzz FuzzParseRGBProfile ./assets/
func FuzzParseRGBProfile(f *testing.F) {
	f.Add(adobeRGBProfile())
	f.Add(displayP3Profile())
	f.Add(iccProfile(4, displayP3.d50Colorants(), tableCurv(srgbDecodeRef, 17)))
	f.Add(greyProfile(gammaCurv(2.2)))
	f.Fuzz(func(t *testing.T, profile []byte) {
		p, ok := parseRGBProfile(profile)
		if !ok {
			return
		}
		if tr, convert := newColourTransform(p); convert {
			for v := 0; v < 256; v += 15 {
				tr.rgb(byte(v), byte(255-v), byte(v/2))
			}
		}
	})
}
