package share

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"strings"
	"sync"

	"github.com/weigong/weigong/catalog"
)

// Blobs is the part of the photo store the collage needs (satisfied by
// assets.BlobStore, without importing it).
type Blobs interface {
	Put(ctx context.Context, key string, data []byte) error
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Collages renders each card's collage once and keeps it in the blob
// store. The key includes the card's image IDs, so changing a card's
// photos makes a new collage and the old one is simply never read again.
type Collages struct {
	Blobs Blobs
	// rendering serialises renders of one key, so a link preview storm
	// renders a collage once, not once per request.
	mu        sync.Mutex
	rendering map[string]*sync.Mutex
}

// collageKey names the cached collage of a card's current photos.
func collageKey(card catalog.Card) string {
	return "collages/" + card.ID + "-" + photosHash(card) + ".jpg"
}

// photosHash identifies a card's photos in their order, so that cached
// renderings of them change name when the photos change.
func photosHash(card catalog.Card) string {
	ids := make([]string, len(card.Images))
	for i, img := range card.Images {
		ids[i] = img.ID
	}
	sum := sha256.Sum256([]byte(strings.Join(ids, ",")))
	return hex.EncodeToString(sum[:8])
}

// Get returns the collage JPEG of a card, rendering it on first use from
// the pipeline's grid images (the originals are not decoded again).
func (c *Collages) Get(ctx context.Context, card catalog.Card) ([]byte, error) {
	return c.cached(ctx, collageKey(card), func() ([]byte, error) {
		grids := make([]image.Image, 0, len(card.Images))
		for _, img := range card.Images {
			data, err := c.read(ctx, img.ID+"/grid.jpg")
			if err != nil {
				return nil, fmt.Errorf("reading grid image: %w", err)
			}
			decoded, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("decoding grid image: %w", err)
			}
			grids = append(grids, decoded)
		}
		return Collage(grids)
	})
}

// cached returns the blob under key, or renders it, stores it and returns
// it; renders of one key are serialised, so a storm of requests renders it
// once.
func (c *Collages) cached(ctx context.Context, key string, render func() ([]byte, error)) ([]byte, error) {
	lock := c.keyLock(key)
	lock.Lock()
	defer lock.Unlock()
	if data, err := c.read(ctx, key); err == nil {
		return data, nil
	} else if catalog.ErrorCode(err) != catalog.NotFound {
		return nil, err
	}
	out, err := render()
	if err != nil {
		return nil, err
	}
	return out, c.Blobs.Put(ctx, key, out)
}

func (c *Collages) read(ctx context.Context, key string) ([]byte, error) {
	r, _, err := c.Blobs.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func (c *Collages) keyLock(key string) *sync.Mutex {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rendering == nil {
		c.rendering = map[string]*sync.Mutex{}
	}
	if len(c.rendering) > 10_000 {
		clear(c.rendering)
	}
	l, ok := c.rendering[key]
	if !ok {
		l = &sync.Mutex{}
		c.rendering[key] = l
	}
	return l
}
