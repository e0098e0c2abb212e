package wire

import (
	"time"
)

// List is every paginated reply: {"items": [...], "next"}, with Next
// empty on the last page.
type List[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// Events is the reply to GET /v1/feed/events: the events after the
// request's cursor, oldest first, and the cursor to ask from next. The
// server fills it with encoded events (json.RawMessage), a reader decodes
// them as Event.
type Events[T any] struct {
	Events []T    `json:"events"`
	Cursor string `json:"cursor"`
}

// The frame types of the stream that are not events.
const (
	TypeReady  = "ready"
	TypeResync = "resync"
)

// Event is one event of an account's stream or events page, or a ready or
// resync frame: {"type", "cursor", ...} with the fields of its type.
//   - card.published, card.updated: Card
//   - card.withdrawn: CardID
//   - follow.changed: SupplierID, State, Level (nil when the follow ended)
//   - follow.requested: Distributor, State
//   - order.submitted, order.updated: Order (consignee masked)
//   - aftersale.updated: AfterSale
type Event struct {
	Type        string     `json:"type"`
	Cursor      string     `json:"cursor,omitempty"`
	Card        *Card      `json:"card,omitempty"`
	CardID      string     `json:"card_id,omitempty"`
	SupplierID  string     `json:"supplier_id,omitempty"`
	State       string     `json:"state,omitempty"`
	Level       *string    `json:"level,omitempty"`
	Distributor *Account   `json:"distributor,omitempty"`
	Order       *Order     `json:"order,omitempty"`
	AfterSale   *AfterSale `json:"aftersale,omitempty"`
}

// Ticket is the reply to POST /v1/feed/tickets: single use, for ?ticket=
// on the websocket URL.
type Ticket struct {
	Ticket    string    `json:"ticket"`
	ExpiresAt time.Time `json:"expires_at"`
}

// The typed events the stream encoder writes; Event is what a reader
// decodes any of them into.

// CardEvent is card.published or card.updated.
type CardEvent struct {
	Type   string `json:"type"`
	Cursor string `json:"cursor"`
	Card   Card   `json:"card"`
}

// WithdrawnEvent is card.withdrawn.
type WithdrawnEvent struct {
	Type   string `json:"type"`
	Cursor string `json:"cursor"`
	CardID string `json:"card_id"`
}

// FollowEvent is follow.changed; Level is null when the follow ended
// (State "none").
type FollowEvent struct {
	Type       string  `json:"type"`
	Cursor     string  `json:"cursor"`
	SupplierID string  `json:"supplier_id"`
	State      string  `json:"state"`
	Level      *string `json:"level"`
}

// Marker is a ready frame (with the cursor the replay reached) or a
// resync frame.
type Marker struct {
	Type   string `json:"type"`
	Cursor string `json:"cursor,omitempty"`
}

// The events addressed to accounts: the same for both parties of an order
// or a follow request.

// OrderEvent is order.submitted or order.updated; the consignee is masked.
type OrderEvent struct {
	Type   string `json:"type"`
	Cursor string `json:"cursor"`
	Order  *Order `json:"order"`
}

// AfterSaleEvent is aftersale.updated.
type AfterSaleEvent struct {
	Type      string     `json:"type"`
	Cursor    string     `json:"cursor"`
	AfterSale *AfterSale `json:"aftersale"`
}

// FollowRequestedEvent is follow.requested, to the supplier: the
// distributor asking and the follow's state (pending).
type FollowRequestedEvent struct {
	Type        string   `json:"type"`
	Cursor      string   `json:"cursor"`
	Distributor *Account `json:"distributor"`
	State       string   `json:"state"`
}
