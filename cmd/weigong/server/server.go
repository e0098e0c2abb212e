package server

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/valyala/fasthttp"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/webhook"
	"github.com/weigong/weigong/share"
)

// Config is what the operator chooses (flags and environment).
type Config struct {
	// Origin is the public base URL used in share links, e.g.
	// "https://wg.example.com"; empty means derived from each request.
	Origin string
	// AllowedOrigins may make cookie-authenticated requests besides Origin.
	AllowedOrigins []string
	// RateLimits turns the API's rate limits on (the default).
	RateLimits bool
	// SecureCookies marks the session cookie Secure (serve behind HTTPS).
	SecureCookies bool
	// TrustedProxies are the peers whose X-Forwarded-Host, -Proto and -For
	// headers are believed; from any other peer they are ignored, so that
	// no client can point share links and QR codes at another host.
	TrustedProxies []netip.Prefix
}

// Deps are the services the HTTP layer calls, built by cmd/weigong.
type Deps struct {
	Catalog  *catalog.Service
	Feed     *feed.Service
	Pipeline *assets.Pipeline
	Blobs    assets.BlobStore
	Shares   *share.Service
	// Webhooks serves /v1/webhooks; nil answers 404 there.
	Webhooks *webhook.Service
	// RateCounter counts the rate limits; nil counts in this process,
	// which is right for one node (several share one: RateCounter).
	RateCounter RateCounter
	// Now is the clock of the in-process rate counter; nil is the wall
	// clock. Tests move it instead of waiting a minute.
	Now func() time.Time
	Log *slog.Logger
}

// Server is the HTTP layer.
type Server struct {
	app      *fiber.App
	cfg      Config
	log      *slog.Logger
	catalog  *catalog.Service
	feed     *feed.Service
	pipeline *assets.Pipeline
	blobs    assets.BlobStore
	shares   *share.Service
	webhooks *webhook.Service
	collages *share.Collages
	limits   limits
	uploads  *uploadSlots
	// stream serves the websocket feed; nil until MountStream.
	stream fiber.Handler
	// closeSession closes the websockets of a revoked token; may be nil.
	closeSession func(tokenHash string)

	// watermarks renders watermarked shares' photos and collages.
	watermarks *share.Watermarks
}

// Request limits: an image upload is at most 20 MiB plus multipart
// framing; every other body is JSON of at most 64 KiB; the request line
// and headers together at most 4 KiB (fasthttp's default read buffer,
// allocated per connection; our own cookie and URLs need a fraction).
const (
	maxRequestBody = assets.MaxUploadBytes + 1<<20
	maxJSONBody    = 64 << 10
	maxHeaderBytes = 4 << 10
)

// New builds the fiber app with every route.
func New(cfg Config, d Deps) *Server {
	s := &Server{cfg: cfg, log: newLogger(d.Log), catalog: d.Catalog, feed: d.Feed,
		pipeline: d.Pipeline, blobs: d.Blobs, shares: d.Shares, webhooks: d.Webhooks, collages: &share.Collages{Blobs: d.Blobs},
		uploads: newUploadSlots()}
	s.limits = newLimits(cfg.RateLimits, d.RateCounter, d.Now, s.log)
	s.watermarks = &share.Watermarks{Collages: s.collages}
	s.app = fiber.New(fiber.Config{
		Immutable: true,
		// Bodies are streamed and each route reads its own under its own
		// limit (body.go); multipart forms are parsed by the upload
		// handler, after authentication, not by fasthttp before it.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    maxRequestBody,
		// Headers and URL together must fit the read buffer; larger ones
		// get 431 (errors.go).
		ReadBufferSize:          maxHeaderBytes,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          prefixStrings(cfg.TrustedProxies),
		ReadTimeout:             2 * time.Minute,
		WriteTimeout:            time.Minute,
		IdleTimeout:             2 * time.Minute,
		ErrorHandler:            s.handleError,
		DisableStartupMessage:   true,
		AppName:                 "weigong",
	})
	s.routes()
	return s
}

// MountStream sets the handler of the websocket feed at /v1/feed/stream.
// The handler is plain net/http (gorilla/websocket), adapted to fiber; it
// is set after New because it authenticates with the Server's own
// StreamAuth (the route itself is registered in routes). closeSession
// closes a revoked token's sockets at once on sign-out (the stream also
// notices revocation by itself within a minute, on other nodes too).
//
// A handler that also serves fasthttp natively (stream.Handler does) is
// mounted without the net/http adaptor, which costs every open websocket
// a goroutine and about 11 KiB (docs/BENCHMARKS.md); fasthttp must then
// leave hijacked connections open.
func (s *Server) MountStream(h http.Handler, closeSession func(tokenHash string)) {
	s.closeSession = closeSession
	if fh, ok := h.(interface{ ServeFastHTTP(*fasthttp.RequestCtx) }); ok {
		s.app.Server().KeepHijackedConns = true
		s.stream = func(c *fiber.Ctx) error { fh.ServeFastHTTP(c.Context()); return nil }
		return
	}
	s.stream = adaptor.HTTPHandler(h)
}

// serveStream answers /v1/feed/stream with the mounted handler. The stream
// authenticates on its own (Bearer, cookie with Origin, or ticket), so it
// is registered outside the /v1 group and its identify middleware.
func (s *Server) serveStream(c *fiber.Ctx) error {
	if s.stream == nil {
		return catalog.Errorf(catalog.NotFound, "the feed stream is not available")
	}
	if hasBody(c) {
		// The net/http adaptor would read a body whole, without limit.
		return catalog.Errorf(catalog.Invalid, "a websocket upgrade carries no body")
	}
	return s.stream(c)
}

// App returns the fiber app, to listen on or to test.
func (s *Server) App() *fiber.App { return s.app }
