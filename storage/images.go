package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/weigong/weigong/catalog"
)

// imageRecord is a photo's metadata as stored. Cards embed copies of their
// images' records, so a card is read with one lookup.
type imageRecord struct {
	ID        string    `json:"id"`
	OwnerID   string    `json:"owner_id"`
	Width     int       `json:"width"`
	Height    int       `json:"height"`
	CreatedAt time.Time `json:"created_at"`
}

func toImageRecord(img catalog.Image) imageRecord {
	return imageRecord{ID: img.ID, OwnerID: img.OwnerID, Width: img.Width, Height: img.Height, CreatedAt: img.CreatedAt}
}

func (r imageRecord) image() catalog.Image {
	return catalog.Image{ID: r.ID, OwnerID: r.OwnerID, Width: r.Width, Height: r.Height, CreatedAt: r.CreatedAt}
}

// CreateImage records a processed photo. Image IDs are fresh UUIDs, so an
// existing one is a Conflict rather than something to overwrite.
func (db *DB) CreateImage(ctx context.Context, img catalog.Image) error {
	return db.Update(ctx, func(tx catalog.Tx) error { return tx.CreateImage(img) })
}

func createImage(tx kvTx, img catalog.Image) error {
	key, ok := parseID(img.ID)
	if !ok {
		return fmt.Errorf("storage: image ID %q is not a UUID", img.ID)
	}
	images := tx.Bucket(bImages)
	if images.Get(key[:]) != nil {
		return catalog.Errorf(catalog.Conflict, "image already exists")
	}
	return putJSON(images, key[:], toImageRecord(img))
}

// getImage loads an image's metadata inside tx.
func getImage(tx kvTx, key []byte) (catalog.Image, error) {
	var r imageRecord
	found, err := getJSON(tx.Bucket(bImages), key, &r)
	if !found || err != nil {
		return catalog.Image{}, orNotFound(err, "image")
	}
	return r.image(), nil
}

// Image returns the metadata of a photo.
func (db *DB) Image(ctx context.Context, id string) (catalog.Image, error) {
	var img catalog.Image
	err := db.View(ctx, func(tx catalog.Tx) error {
		var err error
		img, err = tx.Image(id)
		return err
	})
	return img, err
}
