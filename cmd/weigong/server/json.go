package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// decodeJSON reads a JSON request body into v with a clear error for
// every way it can be wrong: not JSON, wrong types, trailing data (400),
// over maxJSONBody (413, found before more than that is read).
func decodeJSON(c *fiber.Ctx, v any) error {
	body, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	noteBody(c, body)
	return decodeBytes(body, v)
}

// optionalJSON decodes a body that may be absent (the reason of a cancel,
// say), with decodeJSON's limits and errors.
func optionalJSON(c *fiber.Ctx, v any) error {
	body, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	noteBody(c, body)
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return decodeBytes(body, v)
}

func decodeBytes(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return catalog.Errorf(catalog.Invalid, "request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return catalog.Errorf(catalog.Invalid, "request body must be a single JSON object")
	}
	return nil
}

func jsonError(err error) error {
	var domain *catalog.Error
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &domain):
		return domain
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return catalog.Errorf(catalog.Invalid, "field %q has the wrong type", typeErr.Field)
	default:
		return catalog.Errorf(catalog.Invalid, "request body is not valid JSON")
	}
}

// page reads ?limit=&before= (API.md "Lists").
func page(c *fiber.Ctx) (before string, limit int, err error) {
	limit = catalog.DefaultPageSize
	if raw := c.Query("limit"); raw != "" {
		limit, err = strconv.Atoi(raw)
		if err != nil || limit < 1 || limit > catalog.MaxPageSize {
			return "", 0, catalog.Errorf(catalog.Invalid, "limit must be between 1 and %d", catalog.MaxPageSize)
		}
	}
	before = c.Query("before")
	if len(before) > 256 {
		return "", 0, catalog.Errorf(catalog.Invalid, "before is not a valid cursor")
	}
	return before, limit, nil
}

// listReply is the shape of every paginated list (wire.List).
type listReply[T any] = wire.List[T]

func list[T any](items []T, next string) listReply[T] {
	if items == nil {
		items = []T{}
	}
	return listReply[T]{Items: items, Next: next}
}
