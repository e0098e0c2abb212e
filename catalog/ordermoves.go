package catalog

import (
	"context"
	"fmt"
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// party says which side of an order the caller is on.
type party int

const (
	bySupplier party = iota + 1
	byDistributor
)

func (p party) String() string {
	if p == bySupplier {
		return "the supplier"
	}
	return "the distributor"
}

// ReasonInput is the body of reject and cancel moves (wire.Reason).
type ReasonInput = wire.Reason

// PaymentInput is the body of POST /v1/orders/{id}/payment (wire.Payment).
type PaymentInput = wire.Payment

// ShipmentInput is the body of POST /v1/orders/{id}/shipments
// (wire.ShipmentInput). Without Lines the shipment carries everything not
// shipped yet.
type ShipmentInput = wire.ShipmentInput

// moveOrder runs one move on an order as one unit of work: the caller must
// be a party (NotFound otherwise, as for a missing order), the request's
// If-Match must hold, and move checks the state and the party. A move
// that changed the order raises its version and records order.updated for
// both parties. The answer carries the consignee masked.
func (s *Service) moveOrder(ctx context.Context, account Account, id string, move func(tx Tx, o *Order, by party, now time.Time) (bool, error)) (OrderView, error) {
	return update(ctx, s, account.ID, func(tx Tx) (OrderView, error) {
		o, err := orderFor(tx, account, id)
		if err != nil {
			return OrderView{}, err
		}
		if err := checkVersion(ctx, o.Version); err != nil {
			return OrderView{}, err
		}
		by := byDistributor
		if o.SupplierID == account.ID {
			by = bySupplier
		}
		now := s.Now()
		changed, err := move(tx, &o, by, now)
		if err != nil {
			return OrderView{}, err
		}
		if changed {
			o.UpdatedAt, o.Version = now, o.Version+1
			if o.State.Ended() && o.EndedAt == nil {
				o.EndedAt = &now
			}
			if _, err := tx.SaveOrder(o, OrderUpdatedChange); err != nil {
				return OrderView{}, err
			}
		}
		return viewOrderIn(tx, o, false)
	})
}

// need refuses a move by the wrong party (Forbidden) or from a state it is
// not allowed in (Conflict naming the current state).
func need(o Order, by, want party, action string, states ...OrderState) error {
	if by != want {
		return Errorf(Forbidden, "only %s may %s this order", want, action)
	}
	for _, st := range states {
		if o.State == st {
			return nil
		}
	}
	return Errorf(Conflict, "cannot %s an order that is %s", action, o.State)
}

// AcceptOrder is the supplier's acceptance: ship_by is now plus the
// handling time the order's guarantees promise.
func (s *Service) AcceptOrder(ctx context.Context, a Account, id string) (OrderView, error) {
	return s.moveOrder(ctx, a, id, func(_ Tx, o *Order, by party, now time.Time) (bool, error) {
		if err := need(*o, by, bySupplier, "accept", OrderSubmitted); err != nil {
			return false, err
		}
		shipBy := now.Add(HandlingTime(o.Guarantees))
		o.State, o.AcceptedAt, o.ShipBy = OrderAccepted, &now, &shipBy
		return true, nil
	})
}

// RejectOrder is the supplier's refusal; the stock comes back.
func (s *Service) RejectOrder(ctx context.Context, a Account, id string, in ReasonInput) (OrderView, error) {
	if err := validateReason(in.Reason, true); err != nil {
		return OrderView{}, err
	}
	return s.moveOrder(ctx, a, id, func(tx Tx, o *Order, by party, now time.Time) (bool, error) {
		if err := need(*o, by, bySupplier, "reject", OrderSubmitted); err != nil {
			return false, err
		}
		o.State, o.Reason = OrderRejected, in.Reason
		return true, returnStock(tx, *o, now)
	})
}

// CancelOrder is the distributor's cancellation: at once while the order
// is submitted (the stock comes back), as a request to the supplier once
// it is accepted.
func (s *Service) CancelOrder(ctx context.Context, a Account, id string, in ReasonInput) (OrderView, error) {
	if err := validateReason(in.Reason, false); err != nil {
		return OrderView{}, err
	}
	return s.moveOrder(ctx, a, id, func(tx Tx, o *Order, by party, now time.Time) (bool, error) {
		if err := need(*o, by, byDistributor, "cancel", OrderSubmitted, OrderAccepted); err != nil {
			return false, err
		}
		if o.State == OrderAccepted {
			if o.CancelRequested {
				return false, nil
			}
			o.CancelRequested, o.Reason = true, in.Reason
			return true, nil
		}
		o.State, o.Reason = OrderCancelled, in.Reason
		return true, returnStock(tx, *o, now)
	})
}

// DecideCancel is the supplier's answer to a cancellation request:
// approve cancels the order (the stock comes back), decline keeps it.
func (s *Service) DecideCancel(ctx context.Context, a Account, id string, approve bool) (OrderView, error) {
	action := "decline the cancellation of"
	if approve {
		action = "approve the cancellation of"
	}
	return s.moveOrder(ctx, a, id, func(tx Tx, o *Order, by party, now time.Time) (bool, error) {
		if err := need(*o, by, bySupplier, action, OrderAccepted); err != nil {
			return false, err
		}
		if !o.CancelRequested {
			return false, Errorf(Conflict, "no cancellation was requested for this %s order", o.State)
		}
		o.CancelRequested = false
		if !approve {
			return true, nil
		}
		o.State = OrderCancelled
		return true, returnStock(tx, *o, now)
	})
}

// AddShipment records a parcel: the order becomes partially_shipped, or
// shipped once every piece has left. A shipment with the same carrier and
// tracking number as a recorded one changes nothing and reports created
// false, so a retried shipment is harmless.
func (s *Service) AddShipment(ctx context.Context, a Account, id string, in ShipmentInput) (OrderView, bool, error) {
	if err := validateShipment(in); err != nil {
		return OrderView{}, false, err
	}
	created := false
	v, err := s.moveOrder(ctx, a, id, func(_ Tx, o *Order, by party, now time.Time) (bool, error) {
		if by == bySupplier {
			for _, sh := range o.Shipments {
				if sh.Carrier == in.Carrier && sh.TrackingNumber == in.TrackingNumber {
					return false, nil
				}
			}
		}
		if err := need(*o, by, bySupplier, "ship", OrderAccepted, OrderPartiallyShipped); err != nil {
			return false, err
		}
		lines, err := shipmentLines(*o, in.Lines)
		if err != nil {
			return false, err
		}
		if len(o.Shipments) >= MaxShipmentsPer {
			return false, Errorf(Conflict, "an order has at most %d shipments", MaxShipmentsPer)
		}
		o.Shipments = append(o.Shipments, Shipment{ID: fmt.Sprintf("%s-%d", o.ID, len(o.Shipments)+1),
			Lines: lines, Carrier: in.Carrier, TrackingNumber: in.TrackingNumber, TrackingURL: in.TrackingURL, ShippedAt: now})
		o.State, o.CancelRequested = OrderShipped, false
		shipped := o.shipped()
		for _, l := range o.Lines {
			if shipped[l.Line] < l.Qty {
				o.State = OrderPartiallyShipped
			}
		}
		created = true
		return true, nil
	})
	return v, created, err
}

// shipmentLines checks a shipment's lines against what is left of each
// order line, or, without lines, takes everything left.
func shipmentLines(o Order, want []ShipmentLine) ([]ShipmentLine, error) {
	shipped := o.shipped()
	left := map[int]int{}
	for _, l := range o.Lines {
		left[l.Line] = l.Qty - shipped[l.Line]
	}
	if len(want) == 0 {
		var all []ShipmentLine
		for _, l := range o.Lines {
			if left[l.Line] > 0 {
				all = append(all, ShipmentLine{Line: l.Line, Qty: left[l.Line]})
			}
		}
		return all, nil
	}
	seen := map[int]bool{}
	for i, l := range want {
		rest, ok := left[l.Line]
		switch {
		case !ok:
			return nil, Errorf(Invalid, "lines[%d]: the order has no line %d", i, l.Line)
		case seen[l.Line]:
			return nil, Errorf(Invalid, "lines[%d]: line %d is listed twice", i, l.Line)
		case l.Qty < 1 || l.Qty > rest:
			return nil, Errorf(Invalid, "lines[%d]: line %d has %d pieces left to ship", i, l.Line, rest)
		}
		seen[l.Line] = true
	}
	return want, nil
}

// ReceiveOrder is the distributor's word that the parcel arrived.
func (s *Service) ReceiveOrder(ctx context.Context, a Account, id string) (OrderView, error) {
	return s.moveOrder(ctx, a, id, func(_ Tx, o *Order, by party, now time.Time) (bool, error) {
		if err := need(*o, by, byDistributor, "receive", OrderShipped); err != nil {
			return false, err
		}
		o.State, o.DeliveredAt = OrderDelivered, &now
		return true, nil
	})
}

// RecordPayment is the supplier's record that the distributor paid
// (payment itself happens outside Weigong).
func (s *Service) RecordPayment(ctx context.Context, a Account, id string, in PaymentInput) (OrderView, error) {
	if in.State != PaymentPaid {
		return OrderView{}, Errorf(Invalid, `state must be "paid"`)
	}
	return s.moveOrder(ctx, a, id, func(_ Tx, o *Order, by party, _ time.Time) (bool, error) {
		if by != bySupplier {
			return false, Errorf(Forbidden, "only the supplier records payments")
		}
		if o.State == OrderRejected || o.State == OrderCancelled {
			return false, Errorf(Conflict, "cannot record a payment for an order that is %s", o.State)
		}
		if o.Payment == PaymentPaid {
			return false, nil
		}
		o.Payment = PaymentPaid
		return true, nil
	})
}

func validateReason(reason string, required bool) error {
	if required && reason == "" {
		return Errorf(Invalid, "reason is required")
	}
	return validateText("reason", reason, MaxReasonLen)
}

func validateShipment(in ShipmentInput) error {
	if in.Carrier == "" || in.TrackingNumber == "" {
		return Errorf(Invalid, "carrier and tracking_number are required")
	}
	if err := validateText("carrier", in.Carrier, MaxCarrierLen); err != nil {
		return err
	}
	if err := validateText("tracking_number", in.TrackingNumber, MaxTrackingLen); err != nil {
		return err
	}
	if in.TrackingURL != "" && !validHTTPURL(in.TrackingURL) {
		return Errorf(Invalid, "tracking_url must be an http or https URL of at most %d characters", MaxTrackingURL)
	}
	return nil
}

func validHTTPURL(u string) bool {
	return len(u) <= MaxTrackingURL && (len(u) > 8 && u[:8] == "https://" || len(u) > 7 && u[:7] == "http://") &&
		validateText("url", u, MaxTrackingURL) == nil
}

// AdvanceOrder makes the server's own move on an order whose Due time has
// come (the sweep calls it for each due order, so the moves survive
// restarts): a submitted order unanswered for 48 h is cancelled
// (supplier_timeout) and its stock returned; a shipped order is delivered
// 10 days after its last shipment; a delivered order is completed when its
// after-sales window ends with no open case; an ended order's consignee is
// erased to its masked form 30 days after it ended. It does nothing to an
// order that is not due, so a repeated sweep is harmless.
func (s *Service) AdvanceOrder(ctx context.Context, id string) error {
	_, err := update(ctx, s, "", func(tx Tx) (struct{}, error) {
		o, err := tx.Order(id)
		if err != nil {
			return struct{}{}, err
		}
		now := s.Now()
		due := o.Due()
		if due.IsZero() || due.After(now) {
			return struct{}{}, nil
		}
		kind, err := advance(tx, &o, now, s.NewID)
		if err != nil || kind == "" && !o.ConsigneeErased {
			return struct{}{}, err
		}
		o.UpdatedAt = now
		if kind != "" {
			o.Version++
			if o.State.Ended() && o.EndedAt == nil {
				o.EndedAt = &now
			}
		}
		_, err = tx.SaveOrder(o, kind)
		return struct{}{}, err
	})
	return err
}

// openLateRefund opens, approved, the refund a late_refund guarantee owes
// for an accepted order not shipped by ship_by: every line, for what is
// left to refund of the order. Both parties get aftersale.updated.
func openLateRefund(tx Tx, o Order, now time.Time, newID func() string) error {
	cases, err := tx.OrderAfterSales(o.ID)
	if err != nil {
		return err
	}
	amount := o.Total
	for _, c := range cases {
		if c.Kind.refunds() && c.State != ASRejected && c.State != ASWithdrawn {
			amount -= c.Amount
		}
	}
	if amount <= 0 {
		return nil
	}
	lines := make([]ShipmentLine, len(o.Lines))
	for i, l := range o.Lines {
		lines[i] = ShipmentLine{Line: l.Line, Qty: l.Qty}
	}
	as := AfterSale{ID: newID(), OrderID: o.ID, SupplierID: o.SupplierID, DistributorID: o.DistributorID,
		Kind: KindRefund, Lines: lines, Reason: ReasonLateRefund, Amount: amount, State: ASApproved,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	_, err = tx.SaveAfterSale(as, AfterSaleUpdatedChange)
	return err
}

// advance applies the one server move that is due and returns the change
// kind to record ("" for the erasure, which no party needs to hear of).
func advance(tx Tx, o *Order, now time.Time, newID func() string) (ChangeKind, error) {
	switch {
	case o.State == OrderSubmitted:
		o.State, o.Reason = OrderCancelled, ReasonSupplierTimeout
		return OrderUpdatedChange, returnStock(tx, *o, now)
	case o.lateRefundPending():
		o.LateRefunded = true
		return OrderUpdatedChange, openLateRefund(tx, *o, now, newID)
	case o.State == OrderShipped:
		o.State, o.DeliveredAt = OrderDelivered, &now
		return OrderUpdatedChange, nil
	case o.State == OrderDelivered:
		open, err := openAfterSales(tx, o.ID)
		if err != nil || open {
			return "", err
		}
		o.State = OrderCompleted
		// Completing counts towards the follower's earned level: the
		// order is saved completed before this reads the spend.
		o.EndedAt = &now
		if _, err := tx.SaveOrder(*o, ""); err != nil {
			return "", err
		}
		return OrderUpdatedChange, reassessLevel(tx, o.SupplierID, o.DistributorID, now)
	case o.State.Ended() && !o.ConsigneeErased:
		o.Consignee, o.ConsigneeErased, o.ConsigneeMasked = o.Consignee.Masked(), true, true
	}
	return "", nil
}
