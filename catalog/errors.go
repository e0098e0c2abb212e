package catalog

import (
	"errors"
	"fmt"

	"github.com/weigong/weigong/catalog/wire"
)

// Code classifies an Error. Codes and their HTTP status are declared once,
// in package wire (the API's shapes); the HTTP layer maps each code to
// its status there, so domain code never thinks about HTTP.
type Code = wire.Code

// The error codes of the public API (API.md "Conventions").
const (
	Invalid            = wire.Invalid
	Unauthorized       = wire.Unauthorized
	Forbidden          = wire.Forbidden
	NotFound           = wire.NotFound
	Conflict           = wire.Conflict
	PreconditionFailed = wire.PreconditionFailed
	TooLarge           = wire.TooLarge
	UnsupportedMedia   = wire.UnsupportedMedia
	RateLimited        = wire.RateLimited
	Internal           = wire.Internal
)

// Error is the one error type that crosses package boundaries
// (wire.Error). Its Message is shown to the caller as is, so it must never
// contain a cost price or any internal detail.
type Error = wire.Error

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, or Internal for any error that is not
// an *Error (those are bugs or infrastructure failures).
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the message that may be shown to a caller: the
// *Error's own message, or a generic one for internal errors so that no
// internal detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
