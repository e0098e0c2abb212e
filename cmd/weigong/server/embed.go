package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/assets/web"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// The embeddable widget (API.md part 2, "Developers"): /embed/weigong.js
// and the anonymous reads it makes from pages on any origin.

// embedScript serves the web components.
func embedScript(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	return c.Send(web.Widget)
}

// publicCORS opens a route that reads no credentials to every origin: the
// photos, public by their unguessable IDs, which the widget loads with
// crossorigin="anonymous" so that no cookie goes with them.
func publicCORS(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	return c.Next()
}

// anonymousCORS lets pages on any origin read an anonymous reply: only a
// request without credentials (no Authorization, no cookie) gets
// Access-Control-Allow-Origin, so no browser ever hands a page on another
// origin a reply rendered for a signed-in caller (with prices).
func anonymousCORS(c *fiber.Ctx) error {
	if c.Get(fiber.HeaderAuthorization) == "" && c.Get(fiber.HeaderCookie) == "" {
		c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
		c.Vary(fiber.HeaderOrigin)
	}
	return c.Next()
}

// publicShare is GET /v1/public/shares/{id}: the share page's data as
// JSON, for anyone, with no cost price (the card is rendered for an
// anonymous viewer, as on the page). It is not a view: only loads of the
// page itself count. A share whose card is gone answers 410.
func (s *Server) publicShare(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	origin := s.origin(c)
	p, err := s.shares.Page(c.UserContext(), c.Params("id"), origin)
	if err != nil {
		return err
	}
	if p.Gone {
		return c.Status(fiber.StatusGone).JSON(wire.ErrorBody{Error: wire.Error{Code: catalog.NotFound,
			Message: "this product is no longer available"}})
	}
	card := p.Card
	card.Images = make([]wire.Image, len(p.Card.Images))
	for i, img := range p.Card.Images {
		urls := make(map[string]string, len(img.URLs))
		for k, u := range img.URLs {
			if strings.HasPrefix(u, "/") {
				u = origin + u
			}
			urls[k] = u
		}
		img.URLs = urls
		card.Images[i] = img
	}
	return c.JSON(wire.PublicShare{ID: p.Share.ID, URL: p.URL, CollageURL: p.CollageURL, Text: p.Share.Text,
		Price: p.Price, Card: card, Distributor: wire.PublicDistributor{Handle: p.Distributor.Handle,
			Name: p.Distributor.Name, Contact: p.Distributor.Contact}})
}
