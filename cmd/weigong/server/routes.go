package server

// routes registers every endpoint. The OpenAPI document must describe each
// /v1 route registered here; a test enforces it.
func (s *Server) routes() {
	app := s.app
	app.Use(withRequestID, s.withRecover, withSecurityHeaders, closeUnreadBody, limitBody)

	app.Get("/healthz", s.health)
	app.Get("/robots.txt", robots)
	app.Get("/media/:image/:file", publicCORS, s.media)
	app.Get("/c/:handle", s.channelPage)
	app.Get("/c/:handle/qr.png", s.channelQR)
	app.Get("/s/page.js", sharePageScript)
	app.Get("/embed/weigong.js", embedScript)
	app.Get("/s/:id", s.sharePage)
	app.Get("/s/:id/collage.jpg", s.shareCollage)
	app.Get("/s/:id/images/:n/:file", s.sharePhoto)
	s.mountWebApp()

	// Signing up and in need no credentials, so a stale cookie must not
	// get in their way; every other /v1 route identifies its caller.
	open := app.Group("/v1", noStore)
	open.Get("/openapi.json", s.openAPI)
	open.Get("/public/shares/:id", s.publicShare)
	open.Post("/accounts", s.sessionForm, s.signUp)
	open.Post("/sessions", s.sessionForm, s.signIn)
	open.Get("/sessions/current", s.currentSession)
	open.Get("/feed/stream", s.serveStream)

	v1 := app.Group("/v1", noStore, s.identify)
	v1.Delete("/sessions/current", requireAuth, s.signOut)
	v1.Get("/me", requireAuth, s.me)
	v1.Patch("/me", requireAuth, s.conditions, s.updateMe)

	v1.Post("/images", requireAuth, s.conditions, s.uploadImage)
	v1.Post("/cards", requireAuth, s.conditions, s.createCard)
	v1.Get("/cards/:id", s.getCard)
	v1.Patch("/cards/:id", requireAuth, s.conditions, s.updateCard)
	v1.Delete("/cards/:id", requireAuth, s.conditions, s.withdrawCard)

	v1.Get("/suppliers/:supplier", anonymousCORS, s.getSupplier)
	v1.Get("/suppliers/:supplier/metrics", s.supplierMetrics)
	v1.Get("/suppliers/:supplier/cards", anonymousCORS, s.supplierCards)
	v1.Put("/suppliers/:supplier/follow", requireAuth, s.follow)
	v1.Delete("/suppliers/:supplier/follow", requireAuth, s.unfollow)
	v1.Get("/me/following", requireAuth, s.following)
	v1.Get("/me/followers", requireAuth, s.followers)
	v1.Patch("/me/followers/:distributor", requireAuth, s.conditions, s.updateFollower)

	v1.Get("/feed", requireAuth, s.feedPage)
	v1.Get("/feed/events", requireAuth, s.feedEvents)
	v1.Post("/feed/tickets", requireAuth, s.newTicket)
	v1.Get("/search", requireAuth, s.search)

	v1.Post("/shares", requireAuth, s.conditions, s.createShare)
	v1.Get("/shares", requireAuth, s.listShares)
	v1.Delete("/shares/:id", requireAuth, s.deleteShare)

	s.orderRoutes(v1)
	s.keyRoutes(v1)
	s.webhookRoutes(v1)
}
