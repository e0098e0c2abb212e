package server

import (
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"github.com/weigong/weigong/assets/web"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// mountWebApp serves the phone web app, embedded in the binary, under
// /app/. The app talks to the server only through the public API.
func (s *Server) mountWebApp() {
	static, err := fs.Sub(web.Files, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	s.app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/app/", fiber.StatusFound) })
	s.app.Get("/favicon.ico", favicon(static))
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

// favicon serves the app's icon at /favicon.ico, where browsers, feed
// readers and apps look for a site's icon without being told (pages that
// link an icon are not asked for it, but the site's root is).
func favicon(static fs.FS) fiber.Handler {
	ico, err := fs.ReadFile(static, "favicon.ico")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "image/x-icon")
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
		return c.Send(ico)
	}
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

// currentSession tells the caller whether it is signed in (GET
// /v1/sessions/current): 200 {"signed_in": true, "account"} or 200
// {"signed_in": false}, never 401. It is how the web app starts: its
// session cookie is HttpOnly, so the app cannot see it, and asking GET
// /v1/me of a signed-out browser answers 401, which every browser logs as
// a console error on the first visit. A cookie the server no longer
// accepts (expired, revoked) is cleared, as identify does. A readable
// "signed in" marker cookie beside the HttpOnly one would save this
// request, but it can go stale and would have to be kept right on every
// path that ends a session; one question to the server cannot be wrong.
func (s *Server) currentSession(c *fiber.Ctx) error {
	if token, fromCookie := credentials(c); token != "" {
		account, sess, err := s.catalog.Authenticate(c.UserContext(), token)
		if err == nil {
			err = checkScope(c, sess)
		}
		switch {
		case err == nil:
			view := account.PrivateView()
			return c.JSON(wire.SessionState{SignedIn: true, Account: &view})
		case catalog.ErrorCode(err) != catalog.Unauthorized:
			return err
		case fromCookie:
			clearSessionCookie(c)
		}
	}
	return c.JSON(wire.SessionState{SignedIn: false})
}
