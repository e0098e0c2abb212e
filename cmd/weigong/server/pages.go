package server

import (
	"github.com/gofiber/fiber/v2"
	"rsc.io/qr"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
	"github.com/weigong/weigong/share"
)

func (s *Server) health(c *fiber.Ctx) error {
	return c.JSON(wire.Health{Status: "ok"})
}

// robotsTxt keeps crawlers out of everything but the share pages and their
// collages (API.md "Hidden from search"): the channel is closed by design,
// but a share link pasted into a social app must get its preview, and the
// apps' fetchers obey robots.txt. Allow wins over Disallow as the longer
// match (RFC 9309 §2.2.2). The pages' noindex keeps them out of search
// results all the same.
const robotsTxt = `# Weigong is a closed channel: nothing here is for search engines.
# Share pages and their collages stay readable for link previews;
# they carry noindex, so they stay out of search results.
User-agent: *
Allow: /s/
Disallow: /
`

func robots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString(robotsTxt)
}

// htmlPage sets the headers of every public HTML page: not indexed, not
// framed, and a content policy that allows only our own resources.
func htmlPage(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("X-Robots-Tag", "noindex, nofollow")
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'")
}

// origin is the public base URL for links: the configured one, or the
// request's own scheme and host.
func (s *Server) origin(c *fiber.Ctx) string {
	if s.cfg.Origin != "" {
		return s.cfg.Origin
	}
	return c.Protocol() + "://" + c.Hostname()
}

// channelPage is the public page of a supplier's channel (GET /c/{handle}):
// profile and cards without any price, whoever is looking.
func (s *Server) channelPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	supplier, err := s.catalog.Supplier(ctx, c.Params("handle"))
	if err != nil {
		return s.htmlError(c, err)
	}
	cards, _, err := s.catalog.SupplierCards(ctx, nil, supplier, c.Query("before"), 30)
	if err != nil {
		return s.htmlError(c, err)
	}
	htmlPage(c)
	origin := s.origin(c)
	data := share.ChannelData{Supplier: supplier.PublicView(false), Cards: cards,
		Origin: origin, URL: origin + "/c/" + supplier.Handle}
	return share.RenderChannel(c, data)
}

// channelQR is a QR code of the channel link, for suppliers to print or
// post (GET /c/{handle}/qr.png).
func (s *Server) channelQR(c *fiber.Ctx) error {
	supplier, err := s.catalog.Supplier(c.UserContext(), c.Params("handle"))
	if err != nil {
		return err
	}
	code, err := qr.Encode(s.origin(c)+"/c/"+supplier.Handle, qr.M)
	if err != nil {
		return err
	}
	code.Scale = 8
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(code.PNG())
}

// htmlError answers a page request with a small HTML error page.
func (s *Server) htmlError(c *fiber.Ctx, err error) error {
	code := catalog.ErrorCode(err)
	if code == catalog.Internal {
		s.log.Error("page failed", "request_id", requestID(c), "path", c.Path(), "err", err)
	}
	htmlPage(c)
	c.Status(code.Status())
	return share.RenderError(c, code.Status(), catalog.ErrorMessage(err))
}
