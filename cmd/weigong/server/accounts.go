package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// signUp creates an account (POST /v1/accounts) and signs it in, setting
// the web app's cookie too.
func (s *Server) signUp(c *fiber.Ctx) error {
	if !s.limits.signUpPerIP.allow(s.clientIP(c)) {
		return catalog.Errorf(catalog.RateLimited, "too many sign-ups from this address; try again in a minute")
	}
	var in catalog.SignUpInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	account, token, err := s.catalog.SignUp(c.UserContext(), in)
	if err != nil {
		return err
	}
	setSessionCookie(c, token, s.cfg.SecureCookies)
	return c.Status(fiber.StatusCreated).JSON(wire.Session{Account: account.PrivateView(), Token: token})
}

// signIn checks a handle and password (POST /v1/sessions). Failed attempts
// are limited per handle, so a password cannot be guessed by spreading
// attempts over many addresses, and all attempts per address.
func (s *Server) signIn(c *fiber.Ctx) error {
	var in wire.SignIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if s.limits.signInFailsHandle.exceeded(in.Handle) || !s.limits.signInPerIP.allow(s.clientIP(c)) {
		return catalog.Errorf(catalog.RateLimited, "too many sign-in attempts; try again in a minute")
	}
	account, token, err := s.catalog.SignIn(c.UserContext(), in.Handle, in.Password)
	if catalog.ErrorCode(err) == catalog.Unauthorized {
		s.limits.signInFailsHandle.allow(in.Handle)
	}
	if err != nil {
		return err
	}
	setSessionCookie(c, token, s.cfg.SecureCookies)
	return c.JSON(wire.Session{Account: account.PrivateView(), Token: token})
}

// signOut revokes the caller's token (DELETE /v1/sessions/current); open
// websockets of that token close within a minute.
func (s *Server) signOut(c *fiber.Ctx) error {
	hash := callerSession(c).TokenHash
	if err := s.catalog.SignOut(c.UserContext(), hash); err != nil {
		return err
	}
	if s.closeSession != nil {
		s.closeSession(hash)
	}
	clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	return c.JSON(caller(c).PrivateView())
}

func (s *Server) updateMe(c *fiber.Ctx) error {
	var in catalog.ProfileInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	account, err := s.catalog.UpdateProfile(c.UserContext(), *caller(c), in)
	if err != nil {
		return err
	}
	return c.JSON(account)
}

// newTicket issues a single-use websocket ticket (POST /v1/feed/tickets).
func (s *Server) newTicket(c *fiber.Ctx) error {
	ticket, expires, err := s.catalog.IssueTicket(c.UserContext(), *caller(c), callerSession(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(wire.Ticket{Ticket: ticket, ExpiresAt: expires})
}
