package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
)

// The app key endpoints (API.md part 2, "Developers"). The scope table
// closes all three to keys; the catalog checks it again.

func (s *Server) createAppKey(c *fiber.Ctx) error {
	var in catalog.AppKeyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	k, err := s.catalog.CreateAppKey(c.UserContext(), *caller(c), callerSession(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(k)
}

func (s *Server) listAppKeys(c *fiber.Ctx) error {
	keys, err := s.catalog.ListAppKeys(c.UserContext(), *caller(c))
	if err != nil {
		return err
	}
	return c.JSON(list(keys, ""))
}

// deleteAppKey revokes a key; its open websockets close at once here and
// within a minute on other nodes.
func (s *Server) deleteAppKey(c *fiber.Ctx) error {
	hash, err := s.catalog.DeleteAppKey(c.UserContext(), *caller(c), callerSession(c), c.Params("id"))
	if err != nil {
		return err
	}
	if s.closeSession != nil {
		s.closeSession(hash)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) keyRoutes(v1 fiber.Router) {
	v1.Post("/keys", requireAuth, s.createAppKey)
	v1.Get("/keys", requireAuth, s.listAppKeys)
	v1.Delete("/keys/:id", requireAuth, s.deleteAppKey)
}
