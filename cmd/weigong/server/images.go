package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"mime"
	"mime/multipart"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/catalog"
)

// uploadImage runs one photo through the pipeline (POST /v1/images): the
// files are written under the new image's ID before its metadata is
// recorded, so a card can never point at a missing photo. The caller is
// authenticated from the headers, and must have a free upload slot,
// before a byte of the body is read.
func (s *Server) uploadImage(c *fiber.Ctx) error {
	account := caller(c)
	img, err := s.catalog.NewImage(*account)
	if err != nil {
		return err
	}
	if !s.limits.uploads.allow(account.ID) {
		return catalog.Errorf(catalog.RateLimited, "too many uploads; try again in a minute")
	}
	ctx := c.UserContext()
	release, ok := s.uploads.acquire(ctx, account.ID)
	if !ok {
		c.Set(fiber.HeaderRetryAfter, uploadRetryAfter)
		return catalog.Errorf(catalog.RateLimited, "too many of your photos are uploading at once; try again in a few seconds")
	}
	defer release()
	data, err := readImagePart(c)
	if err != nil {
		return err
	}
	if cond := conditionsOf(c); cond != nil && cond.Key != "" {
		// An upload is fingerprinted by the photo's bytes, not by the
		// multipart framing, whose boundary a client draws anew for every
		// attempt; a retry already done is answered before any decoding.
		sum := sha256.Sum256(data)
		noteBody(c, sum[:])
		if first, done, err := s.catalog.ReplayedImage(ctx, *account); err != nil || done {
			return replyImage(c, first, err)
		}
	}
	photo, err := s.pipeline.Process(ctx, bytes.NewReader(data))
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

// deletePhoto removes the files of an image that was never recorded.
func (s *Server) deletePhoto(id string) {
	if err := assets.DeletePhoto(context.Background(), s.blobs, id); err != nil {
		s.log.Warn("deleting an unrecorded photo", "image", id, "err", err)
	}
}

// uploadRetryAfter is the Retry-After (seconds) of an upload refused for
// want of a slot: about the time a few photos take to process.
const uploadRetryAfter = "5"

// readImagePart reads the part named "image" of a multipart/form-data body
// as it arrives, at most assets.MaxUploadBytes of it, and reads the rest
// of the body (at most maxRequestBody in all) so the connection can serve
// the next request. The photo is read whole before it goes to the
// pipeline, so a slow client never holds a photo worker.
func readImagePart(c *fiber.Ctx) ([]byte, error) {
	notForm := catalog.Errorf(catalog.Invalid, `send the photo as multipart/form-data in a part named "image"`)
	mediaType, params, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
		return nil, notForm
	}
	body := bodyReader(c, maxRequestBody)
	form := multipart.NewReader(body, params["boundary"])
	for {
		part, err := form.NextPart()
		if err != nil {
			return nil, orIfNotDomain(err, notForm)
		}
		if part.FormName() != "image" {
			continue // NextPart skips what is left of this part
		}
		var photo bytes.Buffer
		n, err := photo.ReadFrom(io.LimitReader(part, assets.MaxUploadBytes+1))
		if err != nil {
			return nil, orIfNotDomain(err, notForm)
		}
		if n > assets.MaxUploadBytes {
			return nil, catalog.Errorf(catalog.TooLarge, "a photo must be at most %d MiB", assets.MaxUploadBytes>>20)
		}
		if _, err := io.Copy(io.Discard, body); err != nil {
			return nil, err
		}
		return photo.Bytes(), nil
	}
}

// orIfNotDomain returns err if it is a domain error (a body too large, or
// cut short), and fallback for the multipart parser's own complaints.
func orIfNotDomain(err, fallback error) error {
	var domain *catalog.Error
	if errors.As(err, &domain) {
		return domain
	}
	return fallback
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
