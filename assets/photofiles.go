package assets

import "context"

// PhotoKey is the blob key of one size ("grid" or "display") of an image.
func PhotoKey(imageID, size string) string { return imageID + "/" + size + ".jpg" }

// SavePhoto writes both sizes of a processed photo under its image ID. The
// upload handler and the demo seeder share it, so the layout of photo files
// is decided in one place.
func SavePhoto(ctx context.Context, blobs BlobStore, imageID string, p Photo) error {
	if err := blobs.Put(ctx, PhotoKey(imageID, "display"), p.Display); err != nil {
		return err
	}
	return blobs.Put(ctx, PhotoKey(imageID, "grid"), p.Grid)
}

// DeletePhoto removes both sizes of an image that was never recorded (an
// upload whose Idempotency-Key another attempt completed first).
func DeletePhoto(ctx context.Context, blobs BlobStore, imageID string) error {
	for _, size := range []string{"display", "grid"} {
		if err := blobs.Delete(ctx, PhotoKey(imageID, size)); err != nil {
			return err
		}
	}
	return nil
}
