package assets

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// process runs data through a fresh two-worker Pipeline.
func process(t *testing.T, data []byte) (Photo, error) {
	t.Helper()
	return NewPipeline(2).Process(context.Background(), bytes.NewReader(data))
}

// mustDecode decodes an output JPEG and checks its size.
func mustDecode(t *testing.T, data []byte, w, h int) image.Image {
	t.Helper()
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("output is not a JPEG: %v", err)
	}
	if b := m.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("output is %d×%d, want %d×%d", b.Dx(), b.Dy(), w, h)
	}
	return m
}

// wantCode fails unless err is a *catalog.Error with the given code.
func wantCode(t *testing.T, err error, code catalog.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := catalog.ErrorCode(err); got != code {
		t.Fatalf("got %v (%s), want %s", err, got, code)
	}
}

// TestProcess_JPEG ensures a large photo gives a display image with a long
// edge of exactly 1080 and the right aspect, and a 360×360 grid image.
func TestProcess_JPEG(t *testing.T) {
	photo, err := process(t, jpegBytes(t, photoLike(1600, 1200, 1), 90))
	if err != nil {
		t.Fatal(err)
	}
	if photo.Width != 1080 || photo.Height != 810 {
		t.Errorf("size %d×%d, want 1080×810", photo.Width, photo.Height)
	}
	mustDecode(t, photo.Display, 1080, 810)
	mustDecode(t, photo.Grid, 360, 360)
}

// TestProcess_SmallNotUpscaled ensures a photo already smaller than the
// display size keeps its size (it is only re-encoded), and that the grid
// image is 360×360 all the same.
func TestProcess_SmallNotUpscaled(t *testing.T) {
	photo, err := process(t, jpegBytes(t, photoLike(301, 157, 2), 90))
	if err != nil {
		t.Fatal(err)
	}
	mustDecode(t, photo.Display, 301, 157)
	mustDecode(t, photo.Grid, 360, 360)
}

// TestProcess_StripsMetadata ensures nothing of the upload's EXIF (GPS
// included), XMP or comments reaches the outputs: their only segments are
// the ones image/jpeg writes.
func TestProcess_StripsMetadata(t *testing.T) {
	data := jpegBytes(t, photoLike(800, 600, 3), 90)
	data = withEXIF(data, tiffWithOrientation(binary.BigEndian, 1))
	data = withSegment(data, 0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>"+gpsSecret+"</x:xmpmeta>"))
	data = withSegment(data, 0xFE, []byte("comment "+gpsSecret))
	photo, err := process(t, data)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"display": photo.Display, "grid": photo.Grid} {
		if bytes.Contains(out, []byte{0xFF, 0xE1}) {
			t.Errorf("%s output contains an APP1 marker", name)
		}
		for _, secret := range []string{gpsSecret, "Exif", "xmpmeta"} {
			if bytes.Contains(out, []byte(secret)) {
				t.Errorf("%s output contains %q", name, secret)
			}
		}
		for _, m := range segmentMarkers(t, out) {
			if m >= 0xE0 && m <= 0xEF || m == 0xFE {
				t.Errorf("%s output has an APP%d/COM segment (0xFF%02X)", name, m-0xE0, m)
			}
		}
	}
}

// segmentMarkers lists the markers of a JPEG's segments up to the scan.
func segmentMarkers(t *testing.T, data []byte) []byte {
	t.Helper()
	var markers []byte
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			t.Fatalf("no marker at offset %d", i)
		}
		markers = append(markers, data[i+1])
		if data[i+1] == 0xDA {
			return markers
		}
		i += 2 + int(data[i+2])<<8 + int(data[i+3])
	}
	t.Fatal("no start of scan")
	return nil
}

// TestProcess_Cancelled ensures a caller that gives up while every worker
// is busy gets its context's error instead of waiting.
func TestProcess_Cancelled(t *testing.T) {
	p := NewPipeline(1)
	p.slots <- struct{}{} // the only worker is busy
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Process(ctx, bytes.NewReader(jpegBytes(t, photoLike(64, 64, 6), 90)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the context's error", err)
	}
}
