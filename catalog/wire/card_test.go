package wire

import (
	"encoding/json"
	"errors"
	"testing"
)

// TestCardInput_AbsentNullValue ensures a card patch tells absent from
// null from a value both ways: the client must be able to send
// "floor_price": null (remove the floor) and leave it out (keep it), and
// the server must read the three apart.
func TestCardInput_AbsentNullValue(t *testing.T) {
	five := int64(5)
	cases := []struct {
		in   CardInput
		json string
	}{
		{CardInput{}, `{}`},
		{CardInput{FloorPrice: OptionalPrice{Set: true}}, `{"floor_price":null}`},
		{CardInput{FloorPrice: OptionalPrice{Set: true, Value: &five}, Stock: OptionalStock{Set: true}}, `{"floor_price":5,"stock":null}`},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.in)
		if err != nil || string(b) != c.json {
			t.Errorf("encoding %+v: %s, %v; want %s", c.in, b, err, c.json)
		}
		var back CardInput
		if err := json.Unmarshal([]byte(c.json), &back); err != nil {
			t.Fatal(err)
		}
		if back.FloorPrice.Set != c.in.FloorPrice.Set || (back.FloorPrice.Value == nil) != (c.in.FloorPrice.Value == nil) ||
			back.Stock.Set != c.in.Stock.Set {
			t.Errorf("decoding %s: %+v", c.json, back)
		}
	}
	var in CardInput
	err := json.Unmarshal([]byte(`{"floor_price":"12"}`), &in)
	var e *Error
	if !errors.As(err, &e) || e.Code != Invalid {
		t.Errorf("a string floor_price: %v, want an Invalid *Error", err)
	}
}
