package catalog

import (
	"errors"
	"fmt"
)

// Code classifies an Error. The HTTP layer maps each code to one status in
// one table, so domain code never thinks about HTTP.
type Code string

// The error codes of the public API (API.md "Conventions").
const (
	Invalid      Code = "invalid"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	// PreconditionFailed answers a write whose If-Match names a version
	// the object no longer has (API.md part 2, "Writes are atomic").
	PreconditionFailed Code = "precondition_failed"
	TooLarge           Code = "too_large"
	UnsupportedMedia   Code = "unsupported_media"
	RateLimited        Code = "rate_limited"
	Internal           Code = "internal"
)

// Error is the one error type that crosses package boundaries. Its Message
// is shown to the caller as is, so it must never contain a cost price or
// any internal detail.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

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
