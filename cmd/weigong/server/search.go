package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
)

// search is GET /v1/search: cards of the suppliers the caller actively
// follows (a supplier: its own) that match q and the filters, newest
// first, as the caller may see them (API.md part 2, "Search inside
// followed suppliers").
func (s *Server) search(c *fiber.Ctx) error {
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	in := catalog.SearchInput{Q: c.Query("q"), SupplierID: c.Query("supplier_id"), Tag: c.Query("tag"),
		Before: before, Limit: limit}
	switch c.Query("in_stock") {
	case "true", "1":
		in.InStock = true
	case "", "false", "0":
	default:
		return catalog.Errorf(catalog.Invalid, "in_stock must be true or false")
	}
	cards, next, err := s.catalog.Search(c.UserContext(), *caller(c), in)
	if err != nil {
		return err
	}
	return c.JSON(list(cards, next))
}
