package catalog

import (
	"bytes"
	"encoding/json"
)

// OptionalPrice is a JSON field that can be absent (leave as is), null
// (remove) or a number of fen (set). A plain pointer cannot tell absent from
// null, and PATCH needs both: `"floor_price": null` removes a floor.
type OptionalPrice struct {
	Set   bool
	Value *int64
}

// UnmarshalJSON records that the field was present, and its value.
func (o *OptionalPrice) UnmarshalJSON(b []byte) error {
	o.Set = true
	return decodeOptionalInt(b, &o.Value, "floor_price must be an integer number of fen or null")
}

// decodeOptionalInt reads null (nil) or an integer into value; anything
// else is Invalid with message. OptionalPrice and OptionalStock share it.
func decodeOptionalInt(b []byte, value **int64, message string) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*value = nil
		return nil
	}
	var v int64
	if err := json.Unmarshal(b, &v); err != nil {
		return Errorf(Invalid, "%s", message)
	}
	*value = &v
	return nil
}
