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
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Value = nil
		return nil
	}
	var v int64
	if err := json.Unmarshal(b, &v); err != nil {
		return Errorf(Invalid, "floor_price must be an integer number of fen or null")
	}
	o.Value = &v
	return nil
}
