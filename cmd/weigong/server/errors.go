package server

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
)

// statusOf is the one table that maps domain error codes to HTTP status.
var statusOf = map[catalog.Code]int{
	catalog.Invalid:            fiber.StatusBadRequest,
	catalog.Unauthorized:       fiber.StatusUnauthorized,
	catalog.Forbidden:          fiber.StatusForbidden,
	catalog.NotFound:           fiber.StatusNotFound,
	catalog.Conflict:           fiber.StatusConflict,
	catalog.PreconditionFailed: fiber.StatusPreconditionFailed,
	catalog.TooLarge:           fiber.StatusRequestEntityTooLarge,
	catalog.UnsupportedMedia:   fiber.StatusUnsupportedMediaType,
	catalog.RateLimited:        fiber.StatusTooManyRequests,
	catalog.Internal:           fiber.StatusInternalServerError,
}

// codeOfStatus maps fiber's own errors (body too large, unknown route,
// wrong method) back to a domain code, so they get the same JSON shape.
var codeOfStatus = map[int]catalog.Code{
	fiber.StatusBadRequest:            catalog.Invalid,
	fiber.StatusNotFound:              catalog.NotFound,
	fiber.StatusMethodNotAllowed:      catalog.NotFound,
	fiber.StatusRequestEntityTooLarge: catalog.TooLarge,
	fiber.StatusUnsupportedMediaType:  catalog.UnsupportedMedia,
	fiber.StatusRequestTimeout:        catalog.Invalid,
	// Headers or URL over the read buffer: too_large, but with its own
	// status (handleError keeps it), as the body was not the problem.
	fiber.StatusRequestHeaderFieldsTooLarge: catalog.TooLarge,
}

type errorBody struct {
	Error struct {
		Code    catalog.Code `json:"code"`
		Message string       `json:"message"`
	} `json:"error"`
}

// handleError is fiber's ErrorHandler: every error a handler returns ends
// here and becomes `{"error": {"code", "message"}}` with the mapped status.
// Internal errors are logged with the request ID and never shown.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	id := requestID(c) // errors raised before routing have none yet
	code, message := catalog.ErrorCode(err), catalog.ErrorMessage(err)
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if mapped, ok := codeOfStatus[fe.Code]; ok {
			code, message = mapped, fe.Message
		}
	}
	if code == catalog.Internal {
		s.log.Error("request failed", "request_id", id, "method", c.Method(),
			"path", c.Path(), "err", err)
		message = "internal error (request " + id + ")"
	}
	status := statusOf[code]
	if fe != nil && fe.Code == fiber.StatusRequestHeaderFieldsTooLarge {
		status = fe.Code
		message = fmt.Sprintf("the URL and headers must be at most %d KiB together", maxHeaderBytes>>10)
	}
	var body errorBody
	body.Error.Code, body.Error.Message = code, message
	return c.Status(status).JSON(body)
}

// logger returns the server's logger; a nil one is replaced by the default.
func newLogger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}
