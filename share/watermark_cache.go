package share

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/weigong/weigong/catalog"
)

// Photo sizes a watermarked share serves, as the pipeline names them.
var photoSizes = []string{"grid", "display"}

// Watermarks renders the photos and the collage of a watermarked share
// once each, on first request, and keeps them in the blob store under the
// share's ID. The card's own photos and collage are only read: other
// shares of the card, its feed and its channel show them unchanged.
type Watermarks struct {
	Collages *Collages
}

// watermarkKey names a watermarked rendering of share sh.
func watermarkKey(sh Share, name string) string {
	return "watermarks/" + sh.ID + "/" + name + ".jpg"
}

// Photo returns photo n (1 to 9, in the card's order) of a watermarked
// share in size "grid" or "display", with text in its corner. Anything
// else, and a share without a watermark, is NotFound.
func (w *Watermarks) Photo(ctx context.Context, sh Share, card catalog.Card, n int, size, text string) ([]byte, error) {
	if !sh.Watermark || n < 1 || n > len(card.Images) || (size != "grid" && size != "display") {
		return nil, catalog.Errorf(catalog.NotFound, "no such photo")
	}
	img := card.Images[n-1]
	return w.Collages.cached(ctx, watermarkKey(sh, img.ID+"-"+size), func() ([]byte, error) {
		data, err := w.Collages.read(ctx, img.ID+"/"+size+".jpg")
		if err != nil {
			return nil, fmt.Errorf("reading photo %d: %w", n, err)
		}
		return WatermarkJPEG(data, text)
	})
}

// Collage returns the card's collage with text in its corner, for a
// watermarked share.
func (w *Watermarks) Collage(ctx context.Context, sh Share, card catalog.Card, text string) ([]byte, error) {
	if !sh.Watermark {
		return nil, catalog.Errorf(catalog.NotFound, "this share has no watermark")
	}
	return w.Collages.cached(ctx, watermarkKey(sh, "collage-"+photosHash(card)), func() ([]byte, error) {
		data, err := w.Collages.Get(ctx, card)
		if err != nil {
			return nil, err
		}
		return WatermarkJPEG(data, text)
	})
}

// Forget deletes what Photo and Collage stored for a share of the card's
// current photos, when the share is deleted. Renderings of photos the card
// had before stay behind.
func (w *Watermarks) Forget(ctx context.Context, sh Share, card catalog.Card) error {
	errs := []error{w.Collages.Blobs.Delete(ctx, watermarkKey(sh, "collage-"+photosHash(card)))}
	for _, img := range card.Images {
		for _, size := range photoSizes {
			errs = append(errs, w.Collages.Blobs.Delete(ctx, watermarkKey(sh, img.ID+"-"+size)))
		}
	}
	return errors.Join(errs...)
}

// photoURLs returns the path-absolute URLs of a card's photos as a share
// shows them: the watermarked copies for a watermarked share, the public
// photos otherwise.
func photoURLs(sh Share, images []catalog.ImageView) []map[string]string {
	out := make([]map[string]string, len(images))
	for i, img := range images {
		out[i] = img.URLs
		if sh.Watermark {
			base := "/s/" + sh.ID + "/images/" + strconv.Itoa(i+1) + "/"
			out[i] = map[string]string{"grid": base + "grid.jpg", "display": base + "display.jpg"}
		}
	}
	return out
}
