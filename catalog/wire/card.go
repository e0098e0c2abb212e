package wire

import (
	"bytes"
	"encoding/json"
	"time"
)

// SupplierRef is the public summary of a supplier shown on each card.
// Badges holds the operator's (verified) and the earned ones; earned
// badges are "measured from MeasuredOrders orders in 90 days".
type SupplierRef struct {
	ID             string   `json:"id"`
	Handle         string   `json:"handle"`
	Name           string   `json:"name"`
	Badges         []string `json:"badges"`
	MeasuredOrders int      `json:"measured_orders,omitempty"`
}

// Image is an image as the API shows it; URLs has "grid" and "display".
type Image struct {
	ID     string            `json:"id"`
	Width  int               `json:"width"`
	Height int               `json:"height"`
	URLs   map[string]string `json:"urls"`
}

// VolumePrice is a cheaper price (fen) from a quantity on.
type VolumePrice struct {
	MinQty int   `json:"min_qty"`
	Price  int64 `json:"price"`
}

// Prices is what a permitted viewer sees of a card's prices, in fen: Cost
// is the viewer's own cost (its level's price), never another level's.
type Prices struct {
	Cost   int64         `json:"cost"`
	Retail int64         `json:"retail"`
	Floor  *int64        `json:"floor,omitempty"`
	Volume []VolumePrice `json:"volume,omitempty"`
}

// Variant is one variant of a card; Stock is shown to the owner and active
// followers only (and absent when unlimited).
type Variant struct {
	Spec  string `json:"spec"`
	Stock *int64 `json:"stock,omitempty"`
}

// EarlyAccess is a card's early-access window (API.md part 2): followers
// at Level or higher see the card Hours before everyone else, Until.
type EarlyAccess struct {
	Level    string    `json:"level"`
	Hours    int       `json:"hours"`
	Until    time.Time `json:"until"`
	Released bool      `json:"released"`
}

// Card is a card as one viewer may see it. Prices is nil (and so absent
// from JSON) for everyone but the owner and active followers; the owner-only
// fields are nil for everyone but the owner.
type Card struct {
	ID          string      `json:"id"`
	Supplier    SupplierRef `json:"supplier"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Images      []Image     `json:"images"`
	Tags        []string    `json:"tags"`
	SoldOut     bool        `json:"sold_out"`
	// Stock and Variants' stocks are shown to the owner and active
	// followers only; others see the variants' specs.
	Stock     *int64    `json:"stock,omitempty"`
	Variants  []Variant `json:"variants,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
	// EarlyAccess is shown to those who see the card inside its window
	// (its owner and followers at the level), with the release time.
	EarlyAccess *EarlyAccess `json:"early_access,omitempty"`
	Prices      *Prices      `json:"prices,omitempty"`

	CostPrice    *int64           `json:"cost_price,omitempty"`
	RetailPrice  *int64           `json:"retail_price,omitempty"`
	FloorPrice   *int64           `json:"floor_price,omitempty"`
	LevelPrices  map[string]int64 `json:"level_prices,omitempty"`
	VolumePrices []VolumePrice    `json:"volume_prices,omitempty"`
}

// CardInput is the body of POST /v1/cards, and of PATCH /v1/cards/{id}
// with any subset of its fields (prices in fen, stock in pieces). A nil
// field is absent, and left as it is by a PATCH; a pointer to an empty
// list clears that list. FloorPrice and Stock tell absent from null:
// null removes the floor, or makes the stock unlimited.
type CardInput struct {
	Title        *string           `json:"title,omitempty"`
	Description  *string           `json:"description,omitempty"`
	ImageIDs     *[]string         `json:"image_ids,omitempty"`
	CostPrice    *int64            `json:"cost_price,omitempty"`
	RetailPrice  *int64            `json:"retail_price,omitempty"`
	FloorPrice   OptionalPrice     `json:"floor_price,omitzero"`
	LevelPrices  *map[string]int64 `json:"level_prices,omitempty"`
	VolumePrices *[]VolumePrice    `json:"volume_prices,omitempty"`
	Tags         *[]string         `json:"tags,omitempty"`
	SoldOut      *bool             `json:"sold_out,omitempty"`
	Stock        OptionalStock     `json:"stock,omitzero"`
	Variants     *[]VariantInput   `json:"variants,omitempty"`
	// EarlyAccess can be set only when the card is created.
	EarlyAccess *EarlyAccessInput `json:"early_access,omitempty"`
}

// VariantInput is one variant of a card being created or changed; a nil
// Stock is unlimited.
type VariantInput struct {
	Spec  string `json:"spec"`
	Stock *int64 `json:"stock"`
}

// EarlyAccessInput asks for an early-access window when a card is
// created: followers at Level or higher see it Hours (1 to 168) before
// everyone else.
type EarlyAccessInput struct {
	Level string `json:"level"`
	Hours int    `json:"hours"`
}

// OptionalPrice is a JSON field that can be absent (Set false: leave as
// is), null (Set, Value nil: remove) or a number of fen. A plain pointer
// cannot tell absent from null, and PATCH needs both: `"floor_price":
// null` removes a floor. Absent needs the omitzero tag option.
type OptionalPrice struct {
	Set   bool
	Value *int64
}

// UnmarshalJSON records that the field was present, and its value.
func (o *OptionalPrice) UnmarshalJSON(b []byte) error {
	o.Set = true
	return decodeOptionalInt(b, &o.Value, "floor_price must be an integer number of fen or null")
}

// MarshalJSON writes the value, or null.
func (o OptionalPrice) MarshalJSON() ([]byte, error) { return json.Marshal(o.Value) }

// OptionalStock is a JSON field that can be absent (leave as is), null
// (unlimited) or a count of pieces, like OptionalPrice.
type OptionalStock struct {
	Set   bool
	Value *int64
}

// UnmarshalJSON records that the field was present, and its value.
func (o *OptionalStock) UnmarshalJSON(b []byte) error {
	o.Set = true
	return decodeOptionalInt(b, &o.Value, "stock must be an integer number of pieces or null")
}

// MarshalJSON writes the value, or null.
func (o OptionalStock) MarshalJSON() ([]byte, error) { return json.Marshal(o.Value) }

// decodeOptionalInt reads null (nil) or an integer into value; anything
// else is an Invalid *Error with message.
func decodeOptionalInt(b []byte, value **int64, message string) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*value = nil
		return nil
	}
	var v int64
	if err := json.Unmarshal(b, &v); err != nil {
		return &Error{Code: Invalid, Message: message}
	}
	*value = &v
	return nil
}
