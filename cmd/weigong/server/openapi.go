package server

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDoc describes every /v1 endpoint; TestOpenAPI_CoversEveryRoute
// keeps it in step with routes.go.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(openAPIDoc)
}
