package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// getSupplier shows a supplier's public profile; its contact only to its
// active followers and to itself.
func (s *Server) getSupplier(c *fiber.Ctx) error {
	ctx := c.UserContext()
	supplier, err := s.catalog.Supplier(ctx, c.Params("supplier"))
	if err != nil {
		return err
	}
	me := caller(c)
	if me != nil && me.ID == supplier.ID {
		return c.JSON(supplier.PrivateView())
	}
	v, err := s.catalog.ViewerFor(ctx, me, supplier)
	if err != nil {
		return err
	}
	return c.JSON(supplier.PublicView(v.Follow != nil && v.Follow.Active()))
}

func (s *Server) supplierCards(c *fiber.Ctx) error {
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	supplier, err := s.catalog.Supplier(ctx, c.Params("supplier"))
	if err != nil {
		return err
	}
	cards, next, err := s.catalog.SupplierCards(ctx, caller(c), supplier, before, limit)
	if err != nil {
		return err
	}
	return c.JSON(list(cards, next))
}

func (s *Server) follow(c *fiber.Ctx) error {
	f, err := s.catalog.FollowSupplier(c.UserContext(), *caller(c), c.Params("supplier"))
	if err != nil {
		return err
	}
	return c.JSON(wire.FollowState{State: string(f.State)})
}

func (s *Server) unfollow(c *fiber.Ctx) error {
	if err := s.catalog.Unfollow(c.UserContext(), *caller(c), c.Params("supplier")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) following(c *fiber.Ctx) error {
	items, err := s.catalog.Following(c.UserContext(), *caller(c))
	if err != nil {
		return err
	}
	return c.JSON(list(items, ""))
}

func (s *Server) followers(c *fiber.Ctx) error {
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	state := catalog.FollowState(c.Query("state", string(catalog.StateActive)))
	items, next, err := s.catalog.Followers(c.UserContext(), *caller(c), state, before, limit)
	if err != nil {
		return err
	}
	return c.JSON(list(items, next))
}

func (s *Server) updateFollower(c *fiber.Ctx) error {
	var in catalog.FollowerInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	item, err := s.catalog.UpdateFollower(c.UserContext(), *caller(c), c.Params("distributor"), in)
	if err != nil {
		return err
	}
	return c.JSON(item)
}

// supplierMetrics is GET /v1/suppliers/{id}/metrics: public figures
// measured from the supplier's own orders (catalog.ComputeMetrics).
func (s *Server) supplierMetrics(c *fiber.Ctx) error {
	m, err := s.catalog.SupplierMetrics(c.UserContext(), c.Params("supplier"))
	if err != nil {
		return err
	}
	return c.JSON(m)
}
