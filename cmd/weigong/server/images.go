package server

import (
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
	photo, err := s.pipeline.Process(c.UserContext(), f)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := assets.SavePhoto(ctx, s.blobs, img.ID, photo); err != nil {
		return err
	}
	img.Width, img.Height = photo.Width, photo.Height
	if err := s.catalog.SaveImage(ctx, img); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(catalog.ViewImages([]catalog.Image{img})[0])
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
