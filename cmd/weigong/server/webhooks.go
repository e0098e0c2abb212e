package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed/webhook"
)

type webhookInput = webhook.Input

// The webhook endpoints (API.md part 2, "Developers"); package
// feed/webhook does the work. Every one needs the webhooks:manage scope.

func (s *Server) createWebhook(c *fiber.Ctx) error {
	var in webhookInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.webhooks.Create(c.UserContext(), *caller(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) listWebhooks(c *fiber.Ctx) error {
	hooks, err := s.webhooks.List(c.UserContext(), *caller(c))
	if err != nil {
		return err
	}
	return c.JSON(list(hooks, ""))
}

func (s *Server) updateWebhook(c *fiber.Ctx) error {
	var in webhookInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.webhooks.Update(c.UserContext(), *caller(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) deleteWebhook(c *fiber.Ctx) error {
	if err := s.webhooks.Delete(c.UserContext(), *caller(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) webhookDeliveries(c *fiber.Ctx) error {
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.webhooks.Deliveries(c.UserContext(), *caller(c), c.Params("id"), before, limit)
	if err != nil {
		return err
	}
	return c.JSON(list(items, next))
}

// limitSends refuses pings and manual retries past the account's limit.
func (s *Server) limitSends(c *fiber.Ctx) error {
	if !s.limits.webhookSends.allow(caller(c).ID) {
		return catalog.Errorf(catalog.RateLimited, "too many pings and retries; try again in a minute")
	}
	return nil
}

func (s *Server) retryDelivery(c *fiber.Ctx) error {
	if err := s.limitSends(c); err != nil {
		return err
	}
	d, err := s.webhooks.Retry(c.UserContext(), *caller(c), c.Params("id"), c.Params("delivery_id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) pingWebhook(c *fiber.Ctx) error {
	if err := s.limitSends(c); err != nil {
		return err
	}
	d, err := s.webhooks.Ping(c.UserContext(), *caller(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(d)
}

// needWebhooks answers 404 when the node runs without webhooks.
func (s *Server) needWebhooks(c *fiber.Ctx) error {
	if s.webhooks == nil {
		return catalog.Errorf(catalog.NotFound, "webhooks are not available")
	}
	return c.Next()
}

func (s *Server) webhookRoutes(v1 fiber.Router) {
	v1.Post("/webhooks", requireAuth, s.needWebhooks, s.createWebhook)
	v1.Get("/webhooks", requireAuth, s.needWebhooks, s.listWebhooks)
	v1.Patch("/webhooks/:id", requireAuth, s.needWebhooks, s.updateWebhook)
	v1.Delete("/webhooks/:id", requireAuth, s.needWebhooks, s.deleteWebhook)
	v1.Get("/webhooks/:id/deliveries", requireAuth, s.needWebhooks, s.webhookDeliveries)
	v1.Post("/webhooks/:id/deliveries/:delivery_id/retry", requireAuth, s.needWebhooks, s.retryDelivery)
	v1.Post("/webhooks/:id/ping", requireAuth, s.needWebhooks, s.pingWebhook)
}
