package server

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
)

// conditions reads a write's Idempotency-Key and If-Match headers into the
// request's context, where the use case honours them inside its own unit
// of work (catalog.Idempotent): no lock is held here and no second
// transaction follows the handler, so a crash cannot fall between the
// write and its idempotency record. It runs after authentication.
func (s *Server) conditions(c *fiber.Ctx) error {
	key := c.Get("Idempotency-Key")
	ifMatch, err := catalog.ParseIfMatch(c.Get(fiber.HeaderIfMatch))
	if err != nil {
		return err
	}
	if key == "" && ifMatch == nil {
		return c.Next()
	}
	if len(key) > catalog.MaxIdempotencyKeyLen {
		return catalog.Errorf(catalog.Invalid, "Idempotency-Key must be at most %d bytes", catalog.MaxIdempotencyKeyLen)
	}
	// The fingerprint covers the body once the handler has read it, under
	// its route's limit (noteBody); a write without a body is fingerprinted
	// by its method and path.
	cond := &catalog.Conditions{Key: key, IfMatch: ifMatch, Fingerprint: fingerprint(c, nil)}
	c.SetUserContext(catalog.WithConditions(c.UserContext(), cond))
	err = c.Next()
	if cond.Replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	return err
}

// fingerprint identifies a request for its Idempotency-Key: the method, the
// path and a hash of the payload (for uploads, of the photo's bytes rather
// than of the multipart framing, whose boundary a client draws anew for
// every attempt).
func fingerprint(c *fiber.Ctx, payload []byte) string {
	h := sha256.New()
	h.Write([]byte(c.Method() + " " + c.Path() + "\n"))
	h.Write(payload)
	return hex.EncodeToString(h.Sum(nil))
}

// noteBody completes the request's fingerprint with the body the handler
// read.
func noteBody(c *fiber.Ctx, body []byte) {
	if cond := conditionsOf(c); cond != nil {
		cond.Fingerprint = fingerprint(c, body)
	}
}

// conditionsOf returns the request's conditions, if it carries any.
func conditionsOf(c *fiber.Ctx) *catalog.Conditions {
	return catalog.ConditionsFrom(c.UserContext())
}
