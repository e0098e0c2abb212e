package main

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weigong/weigong/share"
)

// regionDiff is the mean absolute difference per channel (0..255) between
// two images over r, leaving out the pixels in skip.
func regionDiff(a, b image.Image, r, skip image.Rectangle) float64 {
	var sum, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if image.Pt(x, y).In(skip) {
				continue
			}
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}} {
				sum += float64(max(d[0], d[1])-min(d[0], d[1])) / 257
			}
			n += 3
		}
	}
	return sum / n
}

func decodeJPEG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a JPEG (%d bytes): %v", len(data), err)
	}
	return img
}

// wantCornerMark fails unless marked is plain with the watermark of text
// in its bottom-right corner: the corner differs, the rest (beyond the
// JPEG blocks next to it) matches.
func wantCornerMark(t *testing.T, what string, plain, marked []byte, text string) {
	t.Helper()
	before, after := decodeJPEG(t, plain), decodeJPEG(t, marked)
	if before.Bounds() != after.Bounds() {
		t.Fatalf("%s: %v, the original is %v", what, after.Bounds(), before.Bounds())
	}
	_, box, err := share.Watermark(before, text)
	if err != nil {
		t.Fatal(err)
	}
	if d := regionDiff(before, after, box, image.Rectangle{}); d < 25 {
		t.Errorf("%s: the corner %v barely differs from the original (%.1f)", what, box, d)
	}
	if d := regionDiff(before, after, before.Bounds(), box.Inset(-16)); d > 1.5 {
		t.Errorf("%s: away from the corner it differs from the original by %.2f on average", what, d)
	}
}

// TestAPI_Shares_Watermark ensures "watermark": true puts the distributor's
// handle in the corner of the share page's photos (both sizes) and of its
// collage, served per share and the same on every request, while the
// card's own photos, its other shares and their collage stay as they
// were; and that deleting the share deletes its watermarked copies.
func TestAPI_Shares_Watermark(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "mark", nil, color.RGBA{200, 40, 40, 255}, color.RGBA{40, 160, 60, 255})
	get := func(path string) []byte {
		t.Helper()
		return n.must(200, "GET", path, "", nil).Body
	}
	media := map[string][]byte{}
	for _, img := range w.card.Images {
		for _, size := range []string{"grid", "display"} {
			media[img.ID+size] = get(img.URLs[size])
		}
	}
	plain := w.share(nil)
	plainCollage := get("/s/" + plain.ID + "/collage.jpg")
	var marked struct {
		shareReply
		Watermark bool
	}
	n.must(201, "POST", "/v1/shares", w.dist.Token, map[string]any{"card_id": w.card.ID, "watermark": true}).decode(t, &marked)
	text := share.WatermarkText(w.dist.Handle)

	t.Run("the watermarked share links its own copies", func(t *testing.T) {
		if !marked.Watermark || len(marked.ImageURLs) != 2 || marked.ImageURLs[1] != n.URL+"/s/"+marked.ID+"/images/2/display.jpg" {
			t.Fatalf("reply: watermark %v, image_urls %v", marked.Watermark, marked.ImageURLs)
		}
		page := string(get("/s/" + marked.ID))
		for _, want := range []string{"/s/" + marked.ID + "/images/1/grid.jpg", "/s/" + marked.ID + "/images/2/display.jpg"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		if strings.Contains(page, "/media/") {
			t.Errorf("the watermarked page still shows the unmarked photos")
		}
	})
	t.Run("photos and collage carry the handle in the corner only", func(t *testing.T) {
		for i, img := range w.card.Images {
			for _, size := range []string{"grid", "display"} {
				path := "/s/" + marked.ID + "/images/" + string(rune('1'+i)) + "/" + size + ".jpg"
				first := get(path)
				wantCornerMark(t, path, media[img.ID+size], first, text)
				if again := get(path); !bytes.Equal(again, first) {
					t.Errorf("%s differs on the second request", path)
				}
			}
		}
		wantCornerMark(t, "collage", plainCollage, get("/s/"+marked.ID+"/collage.jpg"), text)
	})
	t.Run("shares without a watermark and the originals are unchanged", func(t *testing.T) {
		if page := string(get("/s/" + plain.ID)); !strings.Contains(page, "/media/"+w.card.Images[0].ID+"/grid.jpg") || strings.Contains(page, "/images/") {
			t.Errorf("the plain share's page does not show the card's own photos")
		}
		n.must(404, "GET", "/s/"+plain.ID+"/images/1/display.jpg", "", nil)
		if !bytes.Equal(get("/s/"+plain.ID+"/collage.jpg"), plainCollage) {
			t.Errorf("the plain share's collage changed")
		}
		for _, img := range w.card.Images {
			for _, size := range []string{"grid", "display"} {
				if !bytes.Equal(get(img.URLs[size]), media[img.ID+size]) {
					t.Errorf("the original %s %s changed", img.ID, size)
				}
			}
		}
	})
	t.Run("bad photo paths are 404", func(t *testing.T) {
		for _, p := range []string{"/images/0/grid.jpg", "/images/3/grid.jpg", "/images/x/grid.jpg", "/images/1/original.jpg", "/images/1/grid.png"} {
			n.must(404, "GET", "/s/"+marked.ID+p, "", nil)
		}
	})
	t.Run("deleting the share deletes its copies", func(t *testing.T) {
		dir := filepath.Join(n.Data, "media", "watermarks", marked.ID)
		if files, _ := os.ReadDir(dir); len(files) != 5 {
			t.Fatalf("%d watermarked files stored, want 5 (2 photos × 2 sizes and the collage)", len(files))
		}
		n.must(204, "DELETE", "/v1/shares/"+marked.ID, w.dist.Token, nil)
		n.must(404, "GET", "/s/"+marked.ID+"/images/1/display.jpg", "", nil)
		if files, _ := os.ReadDir(dir); len(files) != 0 {
			t.Errorf("%d watermarked files left after deleting the share", len(files))
		}
	})
}
