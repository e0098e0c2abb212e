package catalog

import (
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// OrderState is where a drop-ship order stands (API.md part 2, "Orders").
type OrderState string

// The order states.
const (
	OrderSubmitted        OrderState = "submitted"
	OrderAccepted         OrderState = "accepted"
	OrderRejected         OrderState = "rejected"
	OrderCancelled        OrderState = "cancelled"
	OrderPartiallyShipped OrderState = "partially_shipped"
	OrderShipped          OrderState = "shipped"
	OrderDelivered        OrderState = "delivered"
	OrderCompleted        OrderState = "completed"
)

// Ended reports whether nothing more happens to an order in this state.
func (s OrderState) Ended() bool {
	return s == OrderRejected || s == OrderCancelled || s == OrderCompleted
}

// Payment states: payment itself happens outside Weigong; the supplier
// records that it was received.
const (
	PaymentUnpaid = "unpaid"
	PaymentPaid   = "paid"
)

// The server's own moves, and how long each waits (API.md part 2).
const (
	// AnswerWindow is how long a submitted order waits for the supplier.
	AnswerWindow = 48 * time.Hour
	// DeliveryWindow is how long after the last shipment an order counts
	// as delivered if the distributor has not said so.
	DeliveryWindow = 10 * 24 * time.Hour
	// ConsigneeKept is how long after an order ends its consignee is kept
	// whole; after that only the masked form remains.
	ConsigneeKept = 30 * 24 * time.Hour
	// AfterSaleAnswerWindow is how long an after-sale request waits for
	// the supplier before the server approves it.
	AfterSaleAnswerWindow = 48 * time.Hour
	// DefaultHandlingTime applies when a supplier promises none.
	DefaultHandlingTime = 72 * time.Hour
	// MinExchangeDays is the shortest after-sales window.
	MinExchangeDays = 7
)

// The reason the server gives when it cancels an unanswered order.
const ReasonSupplierTimeout = "supplier_timeout"

// Limits on order input.
const (
	MaxOrderLines   = 50
	MaxOutOrderID   = 64
	MaxOrderNote    = 500
	MaxReasonLen    = 500
	MaxCarrierLen   = 50
	MaxTrackingLen  = 64
	MaxTrackingURL  = 500
	MaxShipmentsPer = 50
)

// Order is one drop-ship order: a distributor buys from one supplier on
// behalf of an end buyer, and the supplier ships straight to that buyer.
// Every amount is in fen and was fixed when the order was placed.
type Order struct {
	ID            string
	SupplierID    string
	DistributorID string
	Lines         []OrderLine
	Total         int64
	Consignee     Consignee
	// ConsigneeErased is set once the consignee was reduced to its masked
	// form, ConsigneeKept after the order ended.
	ConsigneeErased bool
	// ConsigneeMasked says Consignee holds only the masked form: the
	// order was read for a list or an event (without the key), or its
	// consignee was erased.
	ConsigneeMasked bool
	Note            string
	ShareID         string
	OutOrderID      string
	State           OrderState
	CancelRequested bool
	// LateRefunded records that the server opened the late_refund refund,
	// which it does once.
	LateRefunded bool
	Reason       string // why it was rejected or cancelled
	Payment      string
	Guarantees   []string
	AcceptedAt   *time.Time
	ShipBy       *time.Time
	Shipments    []Shipment
	DeliveredAt  *time.Time
	EndedAt      *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int64
}

// OrderLine is one card (and variant) of an order, priced by the server.
type OrderLine = wire.OrderLine

// Shipment is one parcel of an order.
type Shipment = wire.Shipment

// ShipmentLine is how many pieces of an order line a shipment carries.
type ShipmentLine = wire.ShipmentLine

// lateRefundPending reports whether the order is waiting to see if the
// supplier ships by ship_by under a late_refund guarantee.
func (o Order) lateRefundPending() bool {
	return o.State == OrderAccepted && len(o.Shipments) == 0 && o.ShipBy != nil && !o.LateRefunded &&
		hasGuarantee(o.Guarantees, GuaranteeLateRefund)
}

// shipped returns how many pieces of each line have been shipped.
func (o Order) shipped() map[int]int {
	n := map[int]int{}
	for _, s := range o.Shipments {
		for _, l := range s.Lines {
			n[l.Line] += l.Qty
		}
	}
	return n
}

// lastShippedAt is when the latest shipment left, or the zero time.
func (o Order) lastShippedAt() time.Time {
	var t time.Time
	for _, s := range o.Shipments {
		if s.ShippedAt.After(t) {
			t = s.ShippedAt
		}
	}
	return t
}

// HandlingTime is how long a supplier promises to take to ship an
// accepted order, from its guarantees (ship_24h, ship_48h, ship_72h).
func HandlingTime(guarantees []string) time.Duration {
	best := DefaultHandlingTime
	for _, g := range guarantees {
		switch g {
		case "ship_24h":
			best = min(best, 24*time.Hour)
		case "ship_48h":
			best = min(best, 48*time.Hour)
		}
	}
	return best
}

// ExchangeDays is the after-sales window after delivery, in days, from
// the guarantees (exchange_7d, exchange_15d); never less than 7.
func ExchangeDays(guarantees []string) int {
	days := MinExchangeDays
	for _, g := range guarantees {
		if g == "exchange_15d" {
			days = max(days, 15)
		}
	}
	return days
}

// Due is when the server next has something to do to the order (cancel it
// unanswered, mark it delivered, complete it, erase its consignee), or the
// zero time when nothing is due. The store keeps orders indexed by it, so
// the sweep finds due orders without scanning, also after a restart.
func (o Order) Due() time.Time {
	switch {
	case o.State == OrderSubmitted:
		return o.CreatedAt.Add(AnswerWindow)
	case o.lateRefundPending():
		return *o.ShipBy
	case o.State == OrderShipped:
		return o.lastShippedAt().Add(DeliveryWindow)
	case o.State == OrderDelivered && o.DeliveredAt != nil:
		return o.DeliveredAt.Add(time.Duration(ExchangeDays(o.Guarantees)) * 24 * time.Hour)
	case o.State.Ended() && !o.ConsigneeErased && o.EndedAt != nil:
		return o.EndedAt.Add(ConsigneeKept)
	}
	return time.Time{}
}

// PartyRef is the public summary of an order's supplier or distributor.
type PartyRef = wire.PartyRef

// OrderView is an order as its two parties see it (wire.Order). The
// consignee is whole only in the detail (GET /v1/orders/{id}); lists,
// events and webhooks carry the masked form.
type OrderView = wire.Order

// ViewOrder renders an order. whole is true only for the order's detail
// shown to one of its parties; every other surface gets the masked
// consignee.
func ViewOrder(o Order, supplier, distributor PartyRef, whole bool) OrderView {
	c := o.Consignee
	if !whole && !o.ConsigneeMasked {
		c = c.Masked()
	}
	return OrderView{ID: o.ID, Supplier: supplier, Distributor: distributor, Lines: nonNilSlice(o.Lines),
		Total: o.Total, Consignee: c, Note: o.Note, ShareID: o.ShareID, OutOrderID: o.OutOrderID,
		State: string(o.State), CancelRequested: o.CancelRequested, Reason: o.Reason, Payment: o.Payment,
		Guarantees: nonNil(o.Guarantees), AcceptedAt: o.AcceptedAt, ShipBy: o.ShipBy,
		Shipments: nonNilSlice(o.Shipments), DeliveredAt: o.DeliveredAt, CreatedAt: o.CreatedAt,
		UpdatedAt: o.UpdatedAt, Version: o.Version}
}

// PartyRef returns the public summary of an account for orders.
func (a Account) PartyRef() PartyRef { return PartyRef{ID: a.ID, Handle: a.Handle, Name: a.Name} }

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
