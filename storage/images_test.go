package storage

import (
	"testing"

	"github.com/weigong/weigong/catalog"
)

// Ensure that image metadata survives a round trip, and that an existing
// image is never overwritten.
func TestDB_CreateImage_RoundTrip(t *testing.T) {
	db := mustOpen(t)
	img := catalog.Image{ID: newID(), OwnerID: newID(), Width: 1080, Height: 1440, CreatedAt: base}
	if err := db.CreateImage(ctx, img); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Image(ctx, img.ID); err != nil || got != img {
		t.Fatalf("Image = %+v, %v; want %+v", got, err, img)
	}
	wantCode(t, db.CreateImage(ctx, img), catalog.Conflict)
	if err := db.CreateImage(ctx, catalog.Image{ID: "../x"}); err == nil {
		t.Fatal("CreateImage accepted a non-UUID ID")
	}
}

// Ensure that unknown and hostile image IDs are NotFound.
func TestDB_Image_NotFound(t *testing.T) {
	db := mustOpen(t)
	for _, id := range append(hostileIDs, newID()) {
		_, err := db.Image(ctx, id)
		wantCode(t, err, catalog.NotFound)
	}
}
