package server

import (
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"github.com/weigong/weigong/assets/web"
)

// mountWebApp serves the phone web app, embedded in the binary, under
// /app/. The app talks to the server only through the public API.
func (s *Server) mountWebApp() {
	static, err := fs.Sub(web.Files, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	s.app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/app/", fiber.StatusFound) })
	s.app.Get("/app", func(c *fiber.Ctx) error {
		// Routing is not strict, so this route also matches "/app/": only
		// the bare path redirects, or the app would redirect to itself.
		if c.Path() != "/app" {
			return c.Next()
		}
		return c.Redirect("/app/", fiber.StatusMovedPermanently)
	})
	s.app.Use("/app", appHeaders, filesystem.New(filesystem.Config{
		Root:   http.FS(static),
		Index:  "index.html",
		MaxAge: 0,
	}))
}

// appHeaders keeps the app out of search engines and frames, and allows it
// only its own scripts.
func appHeaders(c *fiber.Ctx) error {
	c.Set("X-Robots-Tag", "noindex, nofollow")
	// No build step means no hashed file names: revalidate every load so a
	// phone never runs stale modules after a deploy.
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'")
	return c.Next()
}
