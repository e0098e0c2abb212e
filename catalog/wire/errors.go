package wire

import "net/http"

// Code is an error code of the public API (API.md "Conventions").
type Code string

// The error codes.
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

// statusOf is the one table from error code to HTTP status.
var statusOf = map[Code]int{
	Invalid:            http.StatusBadRequest,
	Unauthorized:       http.StatusUnauthorized,
	Forbidden:          http.StatusForbidden,
	NotFound:           http.StatusNotFound,
	Conflict:           http.StatusConflict,
	PreconditionFailed: http.StatusPreconditionFailed,
	TooLarge:           http.StatusRequestEntityTooLarge,
	UnsupportedMedia:   http.StatusUnsupportedMediaType,
	RateLimited:        http.StatusTooManyRequests,
	Internal:           http.StatusInternalServerError,
}

// Status returns the HTTP status of an error code; an unknown code is a 500.
func (c Code) Status() int {
	if s, ok := statusOf[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// CodeOf returns the code a status stands for: the inverse of Status,
// with the statuses the server answers on its own mapped to the nearest
// code (405 is not_found, 408 invalid, 431 too_large). ok is false for a
// status no code stands for.
func CodeOf(status int) (code Code, ok bool) {
	for c, s := range statusOf {
		if s == status {
			return c, true
		}
	}
	switch status {
	case http.StatusMethodNotAllowed:
		return NotFound, true
	case http.StatusRequestTimeout:
		return Invalid, true
	case http.StatusRequestHeaderFieldsTooLarge:
		return TooLarge, true
	}
	return Internal, false
}

// ErrorBody is every error reply: {"error": {"code", "message"}}.
type ErrorBody struct {
	Error Error `json:"error"`
}

// Error is an error of the API: its code and a message fit to show the
// caller. It is the one error type that crosses package boundaries on the
// server (catalog.Error is this type), so its Message must never contain
// a cost price or any internal detail; the HTTP layer sends it as the
// inside of an ErrorBody with the status of its code.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }
