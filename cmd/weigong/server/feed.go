package server

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// feedPage is GET /v1/feed: the cards of the suppliers the distributor
// actively follows, newest first, at its own prices.
func (s *Server) feedPage(c *fiber.Ctx) error {
	me := caller(c)
	if me.Role != catalog.RoleDistributor {
		return catalog.Errorf(catalog.Forbidden, "only distributors have a feed")
	}
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	cards, next, err := s.feed.Feed(c.UserContext(), *me, before, limit)
	if err != nil {
		return err
	}
	// Encoded without reflection (a third of a page's CPU through
	// encoding/json); a card it cannot encode goes to c.JSON, which then
	// fails as it always did.
	body, err := wire.AppendCardList(make([]byte, 0, 2048*len(cards)+64), list(cards, next))
	if err != nil {
		return c.JSON(list(cards, next))
	}
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
	c.Response().SetBodyRaw(body)
	return nil
}

// feedEvents is GET /v1/feed/events: what happened after a cursor, for
// distributors and suppliers alike (one stream per account).
func (s *Server) feedEvents(c *fiber.Ctx) error {
	me := caller(c)
	limit := catalog.MaxPageSize
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > catalog.MaxPageSize {
			return catalog.Errorf(catalog.Invalid, "limit must be between 1 and %d", catalog.MaxPageSize)
		}
		limit = n
	}
	events, cursor, err := s.feed.Events(c.UserContext(), *me, c.Query("after"), limit)
	if err != nil {
		return err
	}
	return c.JSON(wire.Events[json.RawMessage]{Events: nonNilEvents(events), Cursor: cursor})
}

// nonNilEvents makes an empty event list encode as [] rather than null.
func nonNilEvents[T any](events []T) []T {
	if events == nil {
		return []T{}
	}
	return events
}
