package catalog

import (
	"context"
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// AfterSaleKind is what a distributor asks of the supplier after a sale.
type AfterSaleKind string

// The after-sale kinds (API.md part 2, "After-sales").
const (
	KindRefund       AfterSaleKind = "refund"
	KindReturnRefund AfterSaleKind = "return_refund"
	KindExchange     AfterSaleKind = "exchange"
	KindReissue      AfterSaleKind = "reissue"
)

// AfterSaleState is where an after-sale case stands.
type AfterSaleState string

// The after-sale states.
const (
	ASRequested AfterSaleState = "requested"
	ASApproved  AfterSaleState = "approved"
	ASRejected  AfterSaleState = "rejected"
	ASWithdrawn AfterSaleState = "withdrawn"
	ASReturning AfterSaleState = "returning"
	ASReceived  AfterSaleState = "received"
	ASRefunded  AfterSaleState = "refunded"
	ASReshipped AfterSaleState = "reshipped"
)

// Open reports whether a case still holds its order back from completing.
func (s AfterSaleState) Open() bool {
	switch s {
	case ASRejected, ASWithdrawn, ASRefunded, ASReshipped:
		return false
	}
	return true
}

// MaxEvidenceImages bounds the photos a distributor attaches to a case.
const MaxEvidenceImages = 5

// AfterSale is one after-sales case on an order. Amount (fen) is what a
// refund pays back; it is 0 for exchanges and reissues.
type AfterSale struct {
	ID            string
	OrderID       string
	SupplierID    string
	DistributorID string
	Kind          AfterSaleKind
	Lines         []ShipmentLine
	Reason        string
	// Category classifies the complaint (quality, not_as_described,
	// damaged, wrong_item, other); quality and not_as_described count
	// against the supplier's as_described badge.
	Category         string
	Amount           int64
	EvidenceImageIDs []string
	State            AfterSaleState
	RejectReason     string
	ReturnShipment   *Parcel
	Reshipment       *Parcel
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Version          int64
}

// Parcel is a return (distributor to supplier) or a replacement.
type Parcel = wire.Parcel

// Due is when the server next acts on the case: it approves a request
// left unanswered for AfterSaleAnswerWindow.
func (a AfterSale) Due() time.Time {
	if a.State == ASRequested {
		return a.CreatedAt.Add(AfterSaleAnswerWindow)
	}
	return time.Time{}
}

// refunds reports whether the kind pays money back.
func (k AfterSaleKind) refunds() bool { return k == KindRefund || k == KindReturnRefund }

// AfterSaleView is an after-sale case as its two parties see it
// (wire.AfterSale).
type AfterSaleView = wire.AfterSale

// ViewAfterSale renders a case.
func ViewAfterSale(a AfterSale) AfterSaleView {
	return AfterSaleView{ID: a.ID, OrderID: a.OrderID, Kind: string(a.Kind), Lines: nonNilSlice(a.Lines), Reason: a.Reason, Category: a.Category,
		Amount: a.Amount, EvidenceImageIDs: nonNil(a.EvidenceImageIDs), State: string(a.State), RejectReason: a.RejectReason,
		ReturnShipment: a.ReturnShipment, Reshipment: a.Reshipment, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
		Version: a.Version}
}

// AfterSaleInput is the body of POST /v1/orders/{id}/aftersales
// (wire.AfterSaleInput); Kind is one of the AfterSaleKinds.
type AfterSaleInput = wire.AfterSaleInput

// ParcelInput is the body of the return and reship moves (wire.ParcelInput).
type ParcelInput = wire.ParcelInput

// OpenAfterSale opens a case on one of the distributor's orders. Returns
// and exchanges need a shipment; every case must come within the
// after-sales window of the order's guarantees (at least 7 days after
// delivery); refunds in all never exceed what the lines cost. The case and
// aftersale.updated for both parties commit together.
func (s *Service) OpenAfterSale(ctx context.Context, a Account, orderID string, in AfterSaleInput) (AfterSaleView, error) {
	if err := requireRole(a, RoleDistributor); err != nil {
		return AfterSaleView{}, err
	}
	if err := validateAfterSaleInput(in); err != nil {
		return AfterSaleView{}, err
	}
	return update(ctx, s, a.ID, func(tx Tx) (AfterSaleView, error) {
		o, err := orderFor(tx, a, orderID)
		if err != nil {
			return AfterSaleView{}, err
		}
		if o.DistributorID != a.ID {
			return AfterSaleView{}, Errorf(Forbidden, "only the order's distributor opens after-sales")
		}
		now := s.Now()
		if err := afterSaleAllowed(o, AfterSaleKind(in.Kind), now); err != nil {
			return AfterSaleView{}, err
		}
		for i, id := range in.EvidenceImageIDs {
			img, err := tx.Image(id)
			if ErrorCode(err) == NotFound || (err == nil && img.OwnerID != a.ID) {
				return AfterSaleView{}, Errorf(Invalid, "evidence_image_ids[%d] is not an image you uploaded", i)
			}
			if err != nil {
				return AfterSaleView{}, err
			}
		}
		amount, err := afterSaleAmount(tx, o, in)
		if err != nil {
			return AfterSaleView{}, err
		}
		as := AfterSale{ID: s.NewID(), OrderID: o.ID, SupplierID: o.SupplierID, DistributorID: o.DistributorID,
			Kind: AfterSaleKind(in.Kind), Lines: in.Lines, Reason: in.Reason, Category: orDefault(in.Category, "other"), Amount: amount, EvidenceImageIDs: in.EvidenceImageIDs,
			State: ASRequested, CreatedAt: now, UpdatedAt: now, Version: 1}
		if _, err := tx.SaveAfterSale(as, AfterSaleUpdatedChange); err != nil {
			return AfterSaleView{}, err
		}
		return ViewAfterSale(as), nil
	})
}

func validateAfterSaleInput(in AfterSaleInput) error {
	switch AfterSaleKind(in.Kind) {
	case KindRefund, KindReturnRefund, KindExchange, KindReissue:
	default:
		return Errorf(Invalid, "kind must be refund, return_refund, exchange or reissue")
	}
	if len(in.Lines) < 1 || len(in.Lines) > MaxOrderLines {
		return Errorf(Invalid, "an after-sale names 1 to %d order lines", MaxOrderLines)
	}
	if err := validateReason(in.Reason, true); err != nil {
		return err
	}
	switch in.Category {
	case "", CategoryQuality, CategoryNotAsDescribed, "damaged", "wrong_item", "other":
	default:
		return Errorf(Invalid, "category must be quality, not_as_described, damaged, wrong_item or other")
	}
	if len(in.EvidenceImageIDs) > MaxEvidenceImages {
		return Errorf(Invalid, "at most %d evidence images", MaxEvidenceImages)
	}
	if in.Amount != nil && (!AfterSaleKind(in.Kind).refunds() || *in.Amount < 1) {
		return Errorf(Invalid, "amount is a positive number of fen, for refunds only")
	}
	return nil
}

// afterSaleAllowed applies the order-level rules: a live order that was
// accepted, shipped first for returns and exchanges, and still inside the
// after-sales window.
func afterSaleAllowed(o Order, kind AfterSaleKind, now time.Time) error {
	switch o.State {
	case OrderSubmitted, OrderRejected, OrderCancelled:
		return Errorf(Conflict, "an order that is %s has no after-sales", o.State)
	case OrderCompleted:
		return Errorf(Conflict, "the after-sales window of this order has closed")
	}
	if (kind == KindReturnRefund || kind == KindExchange) && len(o.Shipments) == 0 {
		return Errorf(Conflict, "%s needs the order to be shipped first; it is %s", kind, o.State)
	}
	if o.DeliveredAt != nil {
		window := time.Duration(ExchangeDays(o.Guarantees)) * 24 * time.Hour
		if now.After(o.DeliveredAt.Add(window)) {
			return Errorf(Conflict, "the after-sales window of this order closed %d days after delivery", ExchangeDays(o.Guarantees))
		}
	}
	return nil
}

// afterSaleAmount checks the lines and returns the refund: the lines'
// cost by default, never more than it, and never more in all (with the
// order's other live refund cases) than what the lines cost.
func afterSaleAmount(tx Tx, o Order, in AfterSaleInput) (int64, error) {
	lines := map[int]OrderLine{}
	for _, l := range o.Lines {
		lines[l.Line] = l
	}
	var cost int64
	seen := map[int]bool{}
	for i, l := range in.Lines {
		ol, ok := lines[l.Line]
		if !ok || seen[l.Line] || l.Qty < 1 || l.Qty > ol.Qty {
			return 0, Errorf(Invalid, "lines[%d] must name a line of the order once, with 1 to its quantity", i)
		}
		seen[l.Line] = true
		cost += ol.UnitPrice * int64(l.Qty)
	}
	if !AfterSaleKind(in.Kind).refunds() {
		return 0, nil
	}
	amount := cost
	if in.Amount != nil {
		amount = *in.Amount
	}
	if amount > cost {
		return 0, Errorf(Invalid, "amount must not exceed what the lines cost")
	}
	others, err := tx.OrderAfterSales(o.ID)
	if err != nil {
		return 0, err
	}
	refunded := map[int]int{}
	var total int64
	for _, other := range others {
		if other.Kind.refunds() && other.State != ASRejected && other.State != ASWithdrawn {
			total += other.Amount
			for _, l := range other.Lines {
				refunded[l.Line] += l.Qty
			}
		}
	}
	for _, l := range in.Lines {
		if refunded[l.Line]+l.Qty > lines[l.Line].Qty {
			return 0, Errorf(Invalid, "line %d has already been refunded for %d of %d pieces", l.Line, refunded[l.Line], lines[l.Line].Qty)
		}
	}
	if total+amount > o.Total {
		return 0, Errorf(Invalid, "refunds in all must not exceed what the order cost")
	}
	return amount, nil
}

func orDefault(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// openAfterSales reports whether an order has a case still open.
func openAfterSales(tx Tx, orderID string) (bool, error) {
	cases, err := tx.OrderAfterSales(orderID)
	if err != nil {
		return false, err
	}
	for _, c := range cases {
		if c.State.Open() {
			return true, nil
		}
	}
	return false, nil
}

// moveAfterSale runs one move on a case as one unit of work, like
// moveOrder: parties only (NotFound otherwise), If-Match, then the move's
// own checks; a change raises the version and records aftersale.updated.
func (s *Service) moveAfterSale(ctx context.Context, a Account, id string, move func(c *AfterSale, by party, now time.Time) error) (AfterSaleView, error) {
	return update(ctx, s, a.ID, func(tx Tx) (AfterSaleView, error) {
		c, err := tx.AfterSale(id)
		if err == nil && c.SupplierID != a.ID && c.DistributorID != a.ID {
			err = Errorf(NotFound, "no such after-sale")
		}
		if err != nil {
			return AfterSaleView{}, err
		}
		if err := checkVersion(ctx, c.Version); err != nil {
			return AfterSaleView{}, err
		}
		by := byDistributor
		if c.SupplierID == a.ID {
			by = bySupplier
		}
		now := s.Now()
		if err := move(&c, by, now); err != nil {
			return AfterSaleView{}, err
		}
		c.UpdatedAt, c.Version = now, c.Version+1
		if _, err := tx.SaveAfterSale(c, AfterSaleUpdatedChange); err != nil {
			return AfterSaleView{}, err
		}
		return ViewAfterSale(c), nil
	})
}

// needCase refuses a move by the wrong party or from the wrong state.
func needCase(c AfterSale, by, want party, action string, ok bool) error {
	if by != want {
		return Errorf(Forbidden, "only %s may %s this after-sale", want, action)
	}
	if !ok {
		return Errorf(Conflict, "cannot %s a %s after-sale that is %s", action, c.Kind, c.State)
	}
	return nil
}

// AfterSaleAction names a move on a case: approve, reject, withdraw,
// return, receive, refund or reship.
type AfterSaleAction string

// MoveAfterSale applies one action of the after-sales table (API.md part
// 2). reason is for reject; parcel for return and reship.
func (s *Service) MoveAfterSale(ctx context.Context, a Account, id string, action AfterSaleAction, reason ReasonInput, parcel ParcelInput) (AfterSaleView, error) {
	rule, ok := afterSaleRules[action]
	if !ok {
		return AfterSaleView{}, Errorf(NotFound, "no such after-sale action")
	}
	if err := rule.check(reason, parcel); err != nil {
		return AfterSaleView{}, err
	}
	return s.moveAfterSale(ctx, a, id, func(c *AfterSale, by party, now time.Time) error {
		if err := needCase(*c, by, rule.by, string(action), rule.from(*c)); err != nil {
			return err
		}
		rule.apply(c, reason, parcel, now)
		return nil
	})
}

// afterSaleRule is one row of the after-sales table.
type afterSaleRule struct {
	by    party
	from  func(AfterSale) bool
	check func(ReasonInput, ParcelInput) error
	apply func(c *AfterSale, reason ReasonInput, parcel ParcelInput, now time.Time)
}

func noInput(ReasonInput, ParcelInput) error { return nil }

func parcelInput(_ ReasonInput, p ParcelInput) error {
	return validateShipment(ShipmentInput{Carrier: p.Carrier, TrackingNumber: p.TrackingNumber})
}

func inState(states ...AfterSaleState) func(AfterSale) bool {
	return func(c AfterSale) bool {
		for _, s := range states {
			if c.State == s {
				return true
			}
		}
		return false
	}
}

func to(state AfterSaleState) func(*AfterSale, ReasonInput, ParcelInput, time.Time) {
	return func(c *AfterSale, _ ReasonInput, _ ParcelInput, _ time.Time) { c.State = state }
}

var afterSaleRules = map[AfterSaleAction]afterSaleRule{
	"approve":  {by: bySupplier, from: inState(ASRequested), check: noInput, apply: to(ASApproved)},
	"withdraw": {by: byDistributor, from: inState(ASRequested, ASRejected), check: noInput, apply: to(ASWithdrawn)},
	"reject": {by: bySupplier, from: inState(ASRequested),
		check: func(r ReasonInput, _ ParcelInput) error { return validateReason(r.Reason, true) },
		apply: func(c *AfterSale, r ReasonInput, _ ParcelInput, _ time.Time) {
			c.State, c.RejectReason = ASRejected, r.Reason
		}},
	"return": {by: byDistributor, check: parcelInput,
		from: func(c AfterSale) bool {
			return c.State == ASApproved && (c.Kind == KindReturnRefund || c.Kind == KindExchange)
		},
		apply: func(c *AfterSale, _ ReasonInput, p ParcelInput, now time.Time) {
			c.State, c.ReturnShipment = ASReturning, &Parcel{Carrier: p.Carrier, TrackingNumber: p.TrackingNumber, At: now}
		}},
	"receive": {by: bySupplier, from: inState(ASReturning), check: noInput, apply: to(ASReceived)},
	"refund": {by: bySupplier, check: noInput, apply: to(ASRefunded),
		from: func(c AfterSale) bool {
			return c.State == ASApproved && c.Kind == KindRefund || c.State == ASReceived && c.Kind == KindReturnRefund
		}},
	"reship": {by: bySupplier, check: parcelInput,
		from: func(c AfterSale) bool {
			return c.State == ASApproved && c.Kind == KindReissue || c.State == ASReceived && c.Kind == KindExchange
		},
		apply: func(c *AfterSale, _ ReasonInput, p ParcelInput, now time.Time) {
			c.State, c.Reshipment = ASReshipped, &Parcel{Carrier: p.Carrier, TrackingNumber: p.TrackingNumber, At: now}
		}},
}

// AdvanceAfterSale approves a case its supplier left unanswered for
// AfterSaleAnswerWindow (the sweep calls it for each due case).
func (s *Service) AdvanceAfterSale(ctx context.Context, id string) error {
	_, err := update(ctx, s, "", func(tx Tx) (struct{}, error) {
		c, err := tx.AfterSale(id)
		if err != nil {
			return struct{}{}, err
		}
		now := s.Now()
		if due := c.Due(); due.IsZero() || due.After(now) {
			return struct{}{}, nil
		}
		c.State, c.UpdatedAt, c.Version = ASApproved, now, c.Version+1
		_, err = tx.SaveAfterSale(c, AfterSaleUpdatedChange)
		return struct{}{}, err
	})
	return err
}

// GetAfterSale returns a case to one of its parties.
func (s *Service) GetAfterSale(ctx context.Context, a Account, id string) (AfterSaleView, error) {
	return view(ctx, s, func(tx Tx) (AfterSaleView, error) {
		c, err := tx.AfterSale(id)
		if err == nil && c.SupplierID != a.ID && c.DistributorID != a.ID {
			err = Errorf(NotFound, "no such after-sale")
		}
		return ViewAfterSale(c), err
	})
}

// ListAfterSales returns one page of the cases account is a party to,
// newest first, optionally in one state.
func (s *Service) ListAfterSales(ctx context.Context, a Account, state AfterSaleState, before string, limit int) ([]AfterSaleView, string, error) {
	cases, next, err := s.Orders.AccountAfterSales(ctx, a.ID, state, before, limit)
	if err != nil {
		return nil, "", err
	}
	views := make([]AfterSaleView, len(cases))
	for i, c := range cases {
		views[i] = ViewAfterSale(c)
	}
	return views, next, nil
}
