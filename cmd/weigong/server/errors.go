package server

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// handleError is fiber's ErrorHandler: every error a handler returns ends
// here and becomes `{"error": {"code", "message"}}` with the mapped status.
// Internal errors are logged with the request ID and never shown.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	id := requestID(c) // errors raised before routing have none yet
	code, message := catalog.ErrorCode(err), catalog.ErrorMessage(err)
	// fiber's own errors (body too large, unknown route, wrong method)
	// become the code their status stands for, in the same JSON shape.
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if mapped, ok := wire.CodeOf(fe.Code); ok {
			code, message = mapped, fe.Message
		}
	}
	if code == catalog.Internal {
		s.log.Error("request failed", "request_id", id, "method", c.Method(),
			"path", c.Path(), "err", err)
		message = "internal error (request " + id + ")"
	}
	status := code.Status()
	if fe != nil && fe.Code == fiber.StatusRequestHeaderFieldsTooLarge {
		status = fe.Code
		message = fmt.Sprintf("the URL and headers must be at most %d KiB together", maxHeaderBytes>>10)
	}
	return c.Status(status).JSON(wire.ErrorBody{Error: wire.Error{Code: code, Message: message}})
}

// logger returns the server's logger; a nil one is replaced by the default.
func newLogger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}
