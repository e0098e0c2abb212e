package server

import (
	"context"
	"crypto/sha256"
	"io"
	"mime/multipart"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/catalog"
)

// uploadImage runs one photo through the pipeline (POST /v1/images): the
// files are written under the new image's ID before its metadata is
// recorded, so a card can never point at a missing photo.
func (s *Server) uploadImage(c *fiber.Ctx) error {
	account := caller(c)
	img, err := s.catalog.NewImage(*account)
	if err != nil {
		return err
	}
	if !s.limits.uploads.allow(account.ID) {
		return catalog.Errorf(catalog.RateLimited, "too many uploads; try again in a minute")
	}
	fh, err := c.FormFile("image")
	if err != nil {
		return catalog.Errorf(catalog.Invalid, `send the photo as multipart/form-data in a part named "image"`)
	}
	if fh.Size > assets.MaxUploadBytes {
		return catalog.Errorf(catalog.TooLarge, "a photo must be at most %d MiB", assets.MaxUploadBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	ctx := c.UserContext()
	if cond := conditionsOf(c); cond != nil && cond.Key != "" {
		if cond.Fingerprint, err = photoFingerprint(c, f); err != nil {
			return err
		}
		if first, done, err := s.catalog.ReplayedImage(ctx, *account); err != nil || done {
			return replyImage(c, first, err)
		}
	}
	photo, err := s.pipeline.Process(ctx, f)
	if err != nil {
		return err
	}
	if err := assets.SavePhoto(ctx, s.blobs, img.ID, photo); err != nil {
		return err
	}
	img.Width, img.Height = photo.Width, photo.Height
	view, replayed, err := s.catalog.SaveImage(ctx, img)
	if err != nil || replayed {
		// Another attempt with the same key finished first: its image is
		// the answer, and this attempt's files are nobody's.
		s.deletePhoto(img.ID)
	}
	return replyImage(c, view, err)
}

func replyImage(c *fiber.Ctx, view catalog.ImageView, err error) error {
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(view)
}

// photoFingerprint identifies an upload by the photo's bytes, and rewinds
// the file for the pipeline.
func photoFingerprint(c *fiber.Ctx, f multipart.File) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return fingerprint(c, h.Sum(nil)), nil
}

// deletePhoto removes the files of an image that was never recorded.
func (s *Server) deletePhoto(id string) {
	if err := assets.DeletePhoto(context.Background(), s.blobs, id); err != nil {
		s.log.Warn("deleting an unrecorded photo", "image", id, "err", err)
	}
}

// media serves a photo (GET /media/{id}/{grid|display}.jpg). Photos are
// public by their unguessable ID and never change, so they cache forever.
func (s *Server) media(c *fiber.Ctx) error {
	file := c.Params("file")
	if file != "grid.jpg" && file != "display.jpg" {
		return catalog.Errorf(catalog.NotFound, "no such photo")
	}
	if _, err := s.catalog.Images.Image(c.UserContext(), c.Params("image")); err != nil {
		return err
	}
	r, size, err := s.blobs.Open(c.UserContext(), c.Params("image")+"/"+file)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.SendStream(r, int(size))
}
