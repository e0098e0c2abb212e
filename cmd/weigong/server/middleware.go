package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"runtime/debug"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
)

const localRequestID = "request_id"

// withRequestID gives every request an ID, echoed in X-Request-Id, so that
// a user's report of a failure can be matched to the log line.
func withRequestID(c *fiber.Ctx) error {
	requestID(c)
	return c.Next()
}

// requestID returns the request's ID, giving it one first if it has none:
// requests that fasthttp refuses before routing (headers too large) reach
// the error handler without passing withRequestID.
func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals(localRequestID).(string); ok {
		return id
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.Locals(localRequestID, id)
	c.Set("X-Request-Id", id)
	return id
}

// withRecover turns a panic in any handler into a logged 500, so that bad
// input can never take the server down or show a stack trace to a caller.
func (s *Server) withRecover(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", "request_id", requestID(c), "path", c.Path(),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = catalog.Errorf(catalog.Internal, "panic")
		}
	}()
	return c.Next()
}

// withSecurityHeaders sets the headers every response carries.
func withSecurityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	c.Set("X-Frame-Options", "DENY")
	return c.Next()
}

// noStore marks API responses as private: they carry prices meant for one
// caller, and no shared cache may keep them.
func noStore(c *fiber.Ctx) error {
	c.Set("Cache-Control", "no-store")
	return c.Next()
}
