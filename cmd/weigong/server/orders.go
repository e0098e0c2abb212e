package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
)

// The order endpoints (API.md part 2, "Orders"). Every move answers 200
// with the order, consignee masked; only GET /v1/orders/{id} shows it
// whole, to the order's two parties.

func (s *Server) placeOrder(c *fiber.Ctx) error {
	var in catalog.OrderInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.catalog.PlaceOrder(c.UserContext(), *caller(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

func (s *Server) getOrder(c *fiber.Ctx) error {
	o, err := s.catalog.GetOrder(c.UserContext(), *caller(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(o)
}

func (s *Server) listOrders(c *fiber.Ctx) error {
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	state := catalog.OrderState(c.Query("state"))
	items, next, err := s.catalog.ListOrders(c.UserContext(), *caller(c), state, before, limit)
	if err != nil {
		return err
	}
	return c.JSON(list(items, next))
}

// orderMove adapts a move that takes no body.
func (s *Server) orderMove(move func(*catalog.Service, *fiber.Ctx) (catalog.OrderView, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		o, err := move(s.catalog, c)
		if err != nil {
			return err
		}
		return c.JSON(o)
	}
}

func (s *Server) orderRoutes(v1 fiber.Router) {
	v1.Post("/orders", requireAuth, s.conditions, s.placeOrder)
	v1.Get("/orders", requireAuth, s.listOrders)
	v1.Get("/orders/:id", requireAuth, s.getOrder)
	move := func(path string, fn func(*catalog.Service, *fiber.Ctx) (catalog.OrderView, error)) {
		v1.Post("/orders/:id/"+path, requireAuth, s.conditions, s.orderMove(fn))
	}
	move("accept", func(cat *catalog.Service, c *fiber.Ctx) (catalog.OrderView, error) {
		return cat.AcceptOrder(c.UserContext(), *caller(c), c.Params("id"))
	})
	move("reject", func(cat *catalog.Service, c *fiber.Ctx) (catalog.OrderView, error) {
		var in catalog.ReasonInput
		if err := optionalJSON(c, &in); err != nil {
			return catalog.OrderView{}, err
		}
		return cat.RejectOrder(c.UserContext(), *caller(c), c.Params("id"), in)
	})
	move("cancel", func(cat *catalog.Service, c *fiber.Ctx) (catalog.OrderView, error) {
		var in catalog.ReasonInput
		if err := optionalJSON(c, &in); err != nil {
			return catalog.OrderView{}, err
		}
		return cat.CancelOrder(c.UserContext(), *caller(c), c.Params("id"), in)
	})
	move("cancel/approve", func(cat *catalog.Service, c *fiber.Ctx) (catalog.OrderView, error) {
		return cat.DecideCancel(c.UserContext(), *caller(c), c.Params("id"), true)
	})
	move("cancel/decline", func(cat *catalog.Service, c *fiber.Ctx) (catalog.OrderView, error) {
		return cat.DecideCancel(c.UserContext(), *caller(c), c.Params("id"), false)
	})
	move("receive", func(cat *catalog.Service, c *fiber.Ctx) (catalog.OrderView, error) {
		return cat.ReceiveOrder(c.UserContext(), *caller(c), c.Params("id"))
	})
	move("payment", func(cat *catalog.Service, c *fiber.Ctx) (catalog.OrderView, error) {
		var in catalog.PaymentInput
		if err := decodeJSON(c, &in); err != nil {
			return catalog.OrderView{}, err
		}
		return cat.RecordPayment(c.UserContext(), *caller(c), c.Params("id"), in)
	})
	v1.Post("/orders/:id/shipments", requireAuth, s.conditions, s.addShipment)
	v1.Post("/orders/:id/aftersales", requireAuth, s.conditions, s.openAfterSale)
	v1.Get("/aftersales", requireAuth, s.listAfterSales)
	v1.Get("/aftersales/:id", requireAuth, s.getAfterSale)
	for _, action := range []string{"approve", "reject", "withdraw", "return", "receive", "refund", "reship"} {
		v1.Post("/aftersales/:id/"+action, requireAuth, s.conditions, s.moveAfterSale(catalog.AfterSaleAction(action)))
	}
}

// addShipment answers 201 when it adds a shipment and 200 when the same
// carrier and tracking number were recorded before.
func (s *Server) addShipment(c *fiber.Ctx) error {
	var in catalog.ShipmentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, created, err := s.catalog.AddShipment(c.UserContext(), *caller(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(o)
}

func (s *Server) openAfterSale(c *fiber.Ctx) error {
	var in catalog.AfterSaleInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.catalog.OpenAfterSale(c.UserContext(), *caller(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

func (s *Server) getAfterSale(c *fiber.Ctx) error {
	a, err := s.catalog.GetAfterSale(c.UserContext(), *caller(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (s *Server) listAfterSales(c *fiber.Ctx) error {
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	state := catalog.AfterSaleState(c.Query("state"))
	items, next, err := s.catalog.ListAfterSales(c.UserContext(), *caller(c), state, before, limit)
	if err != nil {
		return err
	}
	return c.JSON(list(items, next))
}

// moveAfterSale answers POST /v1/aftersales/{id}/{action}; reject takes
// {"reason"}, return and reship {"carrier","tracking_number"}.
func (s *Server) moveAfterSale(action catalog.AfterSaleAction) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var body struct {
			catalog.ReasonInput
			catalog.ParcelInput
		}
		if err := optionalJSON(c, &body); err != nil {
			return err
		}
		a, err := s.catalog.MoveAfterSale(c.UserContext(), *caller(c), c.Params("id"), action, body.ReasonInput, body.ParcelInput)
		if err != nil {
			return err
		}
		return c.JSON(a)
	}
}
