package wire

import (
	"strings"
	"time"
	"unicode/utf8"
)

// PartyRef is the public summary of an order's supplier or distributor.
type PartyRef struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

// Consignee is the end buyer an order ships to: whole only in
// GET /v1/orders/{id} to the order's parties, masked everywhere else
// (Masked). It is personal data of someone who has no account, so it
// never prints: a Consignee that reaches a log line by mistake shows as a
// placeholder, not as a stranger's address.
type Consignee struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Province string `json:"province"`
	City     string `json:"city"`
	District string `json:"district"`
	Address  string `json:"address"`
	Postcode string `json:"postcode,omitempty"`
}

// String never shows the consignee.
func (c Consignee) String() string { return "[consignee]" }

// GoString is String for %#v.
func (c Consignee) GoString() string { return c.String() }

// Masked is the consignee as lists, events and webhooks show it (API.md
// part 2, "Orders"): the name's first character then *, the phone's first
// 3 and last 4 digits (138****1234), the province and city only.
func (c Consignee) Masked() Consignee {
	return Consignee{Name: maskName(c.Name), Phone: maskPhone(c.Phone), Province: c.Province, City: c.City}
}

func maskName(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	if size == 0 {
		return ""
	}
	if utf8.RuneCountInString(name) == 1 {
		return "*"
	}
	return string(r) + strings.Repeat("*", min(utf8.RuneCountInString(name)-1, 3))
}

func maskPhone(phone string) string {
	var digits []rune
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	if len(digits) < 8 {
		return strings.Repeat("*", len(digits))
	}
	return string(digits[:3]) + "****" + string(digits[len(digits)-4:])
}

// OrderLine is one card (and variant) of an order, priced by the server.
type OrderLine struct {
	Line      int    `json:"line"`
	CardID    string `json:"card_id"`
	Title     string `json:"title"`
	Variant   string `json:"variant"`
	Qty       int    `json:"qty"`
	UnitPrice int64  `json:"unit_price"`
	Amount    int64  `json:"amount"`
	ImageURL  string `json:"image_url"`
}

// ShipmentLine is how many pieces of an order line a shipment carries.
type ShipmentLine struct {
	Line int `json:"line"`
	Qty  int `json:"qty"`
}

// Shipment is one parcel of an order.
type Shipment struct {
	ID             string         `json:"id"`
	Lines          []ShipmentLine `json:"lines"`
	Carrier        string         `json:"carrier"`
	TrackingNumber string         `json:"tracking_number"`
	TrackingURL    string         `json:"tracking_url"`
	ShippedAt      time.Time      `json:"shipped_at"`
}

// Order is an order as its two parties see it (API.md part 2, "Orders").
type Order struct {
	ID              string      `json:"id"`
	Supplier        PartyRef    `json:"supplier"`
	Distributor     PartyRef    `json:"distributor"`
	Lines           []OrderLine `json:"lines"`
	Total           int64       `json:"total"`
	Consignee       Consignee   `json:"consignee"`
	Note            string      `json:"note"`
	ShareID         string      `json:"share_id"`
	OutOrderID      string      `json:"out_order_id"`
	State           string      `json:"state"`
	CancelRequested bool        `json:"cancel_requested"`
	Reason          string      `json:"reason,omitempty"`
	Payment         string      `json:"payment"`
	Guarantees      []string    `json:"guarantees"`
	AcceptedAt      *time.Time  `json:"accepted_at"`
	ShipBy          *time.Time  `json:"ship_by"`
	Shipments       []Shipment  `json:"shipments"`
	DeliveredAt     *time.Time  `json:"delivered_at,omitempty"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
	Version         int64       `json:"version"`
}

// OrderInput is the body of POST /v1/orders. The server prices every line.
type OrderInput struct {
	Lines      []OrderLineInput `json:"lines"`
	Consignee  Consignee        `json:"consignee"`
	Note       string           `json:"note,omitempty"`
	ShareID    string           `json:"share_id,omitempty"`
	OutOrderID string           `json:"out_order_id,omitempty"`
}

// OrderLineInput is one line of OrderInput.
type OrderLineInput struct {
	CardID  string `json:"card_id"`
	Variant string `json:"variant,omitempty"`
	Qty     int    `json:"qty"`
}

// Reason is the body of the moves that take one (reject, cancel).
type Reason struct {
	Reason string `json:"reason,omitempty"`
}

// Payment is the body of POST /v1/orders/{id}/payment: State "paid".
type Payment struct {
	State string `json:"state"`
}

// ShipmentInput is the body of POST /v1/orders/{id}/shipments. Without
// Lines the shipment carries everything not shipped yet.
type ShipmentInput struct {
	Lines          []ShipmentLine `json:"lines,omitempty"`
	Carrier        string         `json:"carrier"`
	TrackingNumber string         `json:"tracking_number"`
	TrackingURL    string         `json:"tracking_url,omitempty"`
}

// Parcel is a return (distributor to supplier) or a replacement.
type Parcel struct {
	Carrier        string    `json:"carrier"`
	TrackingNumber string    `json:"tracking_number"`
	At             time.Time `json:"at"`
}

// AfterSale is an after-sale case as its two parties see it.
type AfterSale struct {
	ID               string         `json:"id"`
	OrderID          string         `json:"order_id"`
	Kind             string         `json:"kind"`
	Lines            []ShipmentLine `json:"lines"`
	Reason           string         `json:"reason"`
	Category         string         `json:"category"`
	Amount           int64          `json:"amount"`
	EvidenceImageIDs []string       `json:"evidence_image_ids"`
	State            string         `json:"state"`
	RejectReason     string         `json:"reject_reason,omitempty"`
	ReturnShipment   *Parcel        `json:"return_shipment,omitempty"`
	Reshipment       *Parcel        `json:"reshipment,omitempty"`
	CreatedAt        time.Time      `json:"created_at"`
	UpdatedAt        time.Time      `json:"updated_at"`
	Version          int64          `json:"version"`
}

// AfterSaleInput is the body of POST /v1/orders/{id}/aftersales.
type AfterSaleInput struct {
	Kind             string         `json:"kind"`
	Lines            []ShipmentLine `json:"lines"`
	Reason           string         `json:"reason"`
	Category         string         `json:"category,omitempty"`
	Amount           *int64         `json:"amount,omitempty"`
	EvidenceImageIDs []string       `json:"evidence_image_ids,omitempty"`
}

// ParcelInput is the body of the return and reship moves.
type ParcelInput struct {
	Carrier        string `json:"carrier"`
	TrackingNumber string `json:"tracking_number"`
}
