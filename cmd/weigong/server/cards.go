package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
)

func (s *Server) createCard(c *fiber.Ctx) error {
	var in catalog.CardInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	card, err := s.catalog.CreateCard(c.UserContext(), *caller(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(card)
}

func (s *Server) getCard(c *fiber.Ctx) error {
	card, err := s.catalog.Card(c.UserContext(), caller(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(card)
}

func (s *Server) updateCard(c *fiber.Ctx) error {
	var in catalog.CardInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	card, err := s.catalog.UpdateCard(c.UserContext(), *caller(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(card)
}

func (s *Server) withdrawCard(c *fiber.Ctx) error {
	if err := s.catalog.WithdrawCard(c.UserContext(), *caller(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
