package server

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
	"github.com/weigong/weigong/share"
)

func (s *Server) createShare(c *fiber.Ctx) error {
	me := caller(c)
	if !s.limits.shares.allow(me.ID) {
		return catalog.Errorf(catalog.RateLimited, "too many shares; try again in a minute")
	}
	var in share.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.shares.Create(c.UserContext(), *me, in, s.origin(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) listShares(c *fiber.Ctx) error {
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.shares.List(c.UserContext(), *caller(c), before, limit, s.origin(c))
	if err != nil {
		return err
	}
	return c.JSON(list(items, next))
}

func (s *Server) deleteShare(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, _ := s.shares.Shares.Share(ctx, c.Params("id"))
	if err := s.shares.Delete(ctx, *caller(c), c.Params("id")); err != nil {
		return err
	}
	if sh.Watermark {
		// The watermarked copies go with the share; a failure here leaves
		// files nobody can reach any more, so it is logged, not returned.
		card, err := s.catalog.Cards.Card(ctx, sh.CardID)
		if err == nil {
			err = s.watermarks.Forget(ctx, sh, card)
		}
		if err != nil {
			s.log.Warn("deleting a share's watermarked copies", "request_id", requestID(c), "share", sh.ID, "err", err)
		}
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// sharePage is the public page an end buyer opens (GET /s/{id}). A
// person's load counts as a view, once per visitor per window; HEAD,
// prefetches and link-preview fetchers do not count (share.Visit).
func (s *Server) sharePage(c *fiber.Ctx) error {
	p, err := s.shares.Page(c.UserContext(), c.Params("id"), s.origin(c))
	if err != nil {
		return s.htmlError(c, err)
	}
	htmlPage(c)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	if p.Gone {
		c.Status(fiber.StatusGone)
	} else {
		s.shares.Views.Count(p.Share.ID, share.Visit{Method: c.Method(), Address: s.clientIP(c),
			UserAgent: c.Get(fiber.HeaderUserAgent), Purpose: speculativePurpose(c)})
	}
	return share.RenderShare(c, p)
}

// shareCollage serves the nine-grid collage used as the link preview
// image; a watermarked share's carries the distributor's handle.
func (s *Server) shareCollage(c *fiber.Ctx) error {
	return s.shareJPEG(c, func(ctx context.Context, p share.Page, card catalog.Card) ([]byte, error) {
		if p.Share.Watermark {
			return s.watermarks.Collage(ctx, p.Share, card, share.WatermarkText(p.Distributor.Handle))
		}
		return s.collages.Get(ctx, card)
	})
}

// sharePhoto serves photo n of a watermarked share, in the grid or display
// size (GET /s/{id}/images/{n}/{grid|display}.jpg); shares without a
// watermark show the public photos instead and answer 404 here.
func (s *Server) sharePhoto(c *fiber.Ctx) error {
	n, err := strconv.Atoi(c.Params("n"))
	size, ok := strings.CutSuffix(c.Params("file"), ".jpg")
	if err != nil || !ok {
		return catalog.Errorf(catalog.NotFound, "no such photo")
	}
	return s.shareJPEG(c, func(ctx context.Context, p share.Page, card catalog.Card) ([]byte, error) {
		return s.watermarks.Photo(ctx, p.Share, card, n, size, share.WatermarkText(p.Distributor.Handle))
	})
}

// shareJPEG answers a request for one of a share's images: 404 for a
// share that does not exist, 410 once its card is gone, else the JPEG
// that render returns, cacheable for a few minutes (the card's photos can
// change under the same URL).
func (s *Server) shareJPEG(c *fiber.Ctx, render func(context.Context, share.Page, catalog.Card) ([]byte, error)) error {
	ctx := c.UserContext()
	p, err := s.shares.Page(ctx, c.Params("id"), s.origin(c))
	if err != nil {
		return err
	}
	if p.Gone {
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.Status(fiber.StatusGone).JSON(wire.ErrorBody{Error: wire.Error{Code: catalog.NotFound, Message: "this product is no longer available"}})
	}
	card, err := s.catalog.Cards.Card(ctx, p.Share.CardID)
	if err != nil {
		return err
	}
	data, err := render(ctx, p, card)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(data)
}

func sharePageScript(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(share.PageScript)
}

// speculativePurpose joins the headers with which browsers mark a load the
// user did not ask for: Chrome's Sec-Purpose (and older Purpose),
// Safari's X-Purpose and Firefox's X-Moz ("prefetch", "preview").
func speculativePurpose(c *fiber.Ctx) string {
	return c.Get("Sec-Purpose") + " " + c.Get("Purpose") + " " + c.Get("X-Purpose") + " " + c.Get("X-Moz")
}
