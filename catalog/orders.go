package catalog

import (
	"context"
	"strings"
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// OrderInput is the body of POST /v1/orders (wire.OrderInput). A client
// never sends a price: the server prices every line.
type OrderInput = wire.OrderInput

// OrderLineInput is one line of OrderInput.
type OrderLineInput = wire.OrderLineInput

// ShareRef is what an order needs of a share it names: whose it is, which
// card it forwards and at what price (for its sales figure).
type ShareRef struct {
	ID            string
	DistributorID string
	CardID        string
	Price         int64
}

// PlaceOrder places a drop-ship order for a distributor with an active
// follow of the cards' supplier. In one unit of work it prices every line
// (the follower's level price, or the volume price for the quantity if
// lower), reserves stock (marking cards that run out sold out, with
// card.updated), checks out_order_id, attributes the sale to the share,
// and records the order with order.submitted for both parties. The answer
// carries the consignee masked: it is shown whole only in GetOrder.
func (s *Service) PlaceOrder(ctx context.Context, distributor Account, in OrderInput) (OrderView, error) {
	if err := requireRole(distributor, RoleDistributor); err != nil {
		return OrderView{}, err
	}
	if err := validateOrderInput(in); err != nil {
		return OrderView{}, err
	}
	return update(ctx, s, distributor.ID, func(tx Tx) (OrderView, error) {
		if in.OutOrderID != "" {
			if first, found, err := tx.OrderByOutID(distributor.ID, in.OutOrderID); err != nil || found {
				return OrderView{}, orErr(err, Errorf(Conflict, "out_order_id is already used by order %s", first))
			}
		}
		o, cards, err := s.priceOrder(tx, distributor, in)
		if err != nil {
			return OrderView{}, err
		}
		if err := reserveStock(tx, o, cards, s.Now()); err != nil {
			return OrderView{}, err
		}
		if err := attributeShare(tx, o, in.ShareID); err != nil {
			return OrderView{}, err
		}
		if _, err := tx.SaveOrder(o, OrderSubmittedChange); err != nil {
			return OrderView{}, err
		}
		return viewOrderIn(tx, o, false)
	})
}

func orErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

func validateOrderInput(in OrderInput) error {
	if len(in.Lines) < 1 || len(in.Lines) > MaxOrderLines {
		return Errorf(Invalid, "an order has 1 to %d lines", MaxOrderLines)
	}
	for i, l := range in.Lines {
		if l.CardID == "" {
			return Errorf(Invalid, "lines[%d].card_id is required", i)
		}
		if l.Qty < 1 || l.Qty > MaxQuantity {
			return Errorf(Invalid, "lines[%d].qty must be between 1 and %d", i, MaxQuantity)
		}
		if len(l.Variant) > 4*MaxVariantLen {
			return Errorf(Invalid, "lines[%d].variant is too long", i)
		}
	}
	if err := validateConsignee(in.Consignee); err != nil {
		return err
	}
	if err := validateText("note", in.Note, MaxOrderNote); err != nil {
		return err
	}
	if in.OutOrderID != "" {
		if err := validateText("out_order_id", in.OutOrderID, MaxOutOrderID); err != nil {
			return err
		}
		if strings.TrimSpace(in.OutOrderID) != in.OutOrderID || strings.ContainsAny(in.OutOrderID, "\n\r\t") {
			return Errorf(Invalid, "out_order_id must be 1 to %d characters without surrounding space", MaxOutOrderID)
		}
	}
	if len(in.ShareID) > 64 {
		return Errorf(Invalid, "share_id is not valid")
	}
	return nil
}

// priceOrder builds the order from its lines: every card live, not sold
// out, of one supplier the distributor actively follows; every line priced
// at the follower's level or the volume tier for its quantity, whichever
// is lower. It returns the cards by ID for the stock reservation.
func (s *Service) priceOrder(tx Tx, distributor Account, in OrderInput) (Order, map[string]*Card, error) {
	now := s.Now()
	o := Order{ID: s.NewID(), DistributorID: distributor.ID, Consignee: in.Consignee, Note: in.Note,
		ShareID: in.ShareID, OutOrderID: in.OutOrderID, State: OrderSubmitted, Payment: PaymentUnpaid,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	cards := map[string]*Card{}
	var supplier Account
	var level string
	for i, l := range in.Lines {
		c, ok := cards[l.CardID]
		if !ok {
			card, err := tx.Card(l.CardID)
			if ErrorCode(err) == NotFound || (err == nil && card.Withdrawn) {
				return Order{}, nil, Errorf(Conflict, "lines[%d]: the card is withdrawn or does not exist", i)
			}
			if err != nil {
				return Order{}, nil, err
			}
			c = &card
			cards[l.CardID] = c
		}
		if i == 0 {
			var err error
			if supplier, level, err = orderSupplier(tx, distributor, c.SupplierID); err != nil {
				return Order{}, nil, err
			}
			o.SupplierID, o.Guarantees = supplier.ID, append([]string(nil), supplier.Guarantees...)
		}
		if c.SupplierID != o.SupplierID {
			return Order{}, nil, Errorf(Invalid, "all lines of an order must be cards of one supplier")
		}
		if !supplier.Publisher().Sees(*c, Viewer{AccountID: distributor.ID, Follow: &Follow{SupplierID: supplier.ID,
			DistributorID: distributor.ID, State: StateActive, Level: level}}) {
			return Order{}, nil, Errorf(Conflict, "lines[%d]: the card is withdrawn or does not exist", i)
		}
		if c.SoldOut {
			return Order{}, nil, Errorf(Conflict, "card %s is sold out", c.ID)
		}
		if _, err := c.stockOf(l.Variant); err != nil {
			return Order{}, nil, err
		}
		unit := unitPrice(*c, level, l.Qty)
		line := OrderLine{Line: i + 1, CardID: c.ID, Title: c.Title, Variant: l.Variant, Qty: l.Qty,
			UnitPrice: unit, Amount: unit * int64(l.Qty)}
		if len(c.Images) > 0 {
			line.ImageURL = ImageURLs(c.Images[0].ID)["grid"]
		}
		o.Lines = append(o.Lines, line)
		o.Total += line.Amount
	}
	return o, cards, nil
}

// orderSupplier loads the supplier of an order and the distributor's
// effective level with it; only an active follower may order.
func orderSupplier(tx Tx, distributor Account, supplierID string) (Account, string, error) {
	supplier, err := tx.Account(supplierID)
	if err != nil {
		return Account{}, "", err
	}
	f, err := tx.Follow(supplier.ID, distributor.ID)
	if ErrorCode(err) == NotFound || (err == nil && !f.Active()) {
		return Account{}, "", Errorf(Forbidden, "follow this supplier actively to order from it")
	}
	if err != nil {
		return Account{}, "", err
	}
	return supplier, supplier.EffectiveLevel(f.Level), nil
}

// unitPrice is the follower's level price, or the volume price for qty if
// that is lower (API.md part 2, "Orders").
func unitPrice(c Card, level string, qty int) int64 {
	price := c.CostFor(level)
	for _, t := range c.VolumePrices {
		if qty >= t.MinQty && t.Price < price {
			price = t.Price
		}
	}
	return price
}

// reserveStock takes the order's pieces from its cards' stock, refusing
// with a Conflict that says what is left when there is not enough, and
// saves every card it changed (card.updated when one runs out). Because it
// runs in the order's unit of work, N concurrent orders for the last K
// pieces see each other's reservations: exactly K succeed.
func reserveStock(tx Tx, o Order, cards map[string]*Card, now time.Time) error {
	changed := map[string]bool{}
	for _, l := range o.Lines {
		c := cards[l.CardID]
		left, counted, err := c.available(l.Variant)
		if err != nil {
			return err
		}
		if !counted {
			continue
		}
		if left < int64(l.Qty) {
			return Errorf(Conflict, "only %d left of card %s%s", left, c.ID, variantSuffix(l.Variant))
		}
		if err := c.adjustStock(l.Variant, -int64(l.Qty)); err != nil {
			return err
		}
		changed[c.ID] = true
	}
	return saveStock(tx, cards, changed, now)
}

// saveStock writes the cards whose stock changed. Followers get
// card.updated only when what they see changed: the card ran out, or came
// back.
func saveStock(tx Tx, cards map[string]*Card, changed map[string]bool, now time.Time) error {
	for id := range changed {
		c := cards[id]
		c.UpdatedAt, c.Version = now, c.Version+1
		if _, err := tx.SaveCard(*c, CardUpdated); err != nil {
			return err
		}
	}
	return nil
}

// returnStock gives a cancelled or rejected order's pieces back to cards
// that are still live.
func returnStock(tx Tx, o Order, now time.Time) error {
	cards := map[string]*Card{}
	changed := map[string]bool{}
	for _, l := range o.Lines {
		c, ok := cards[l.CardID]
		if !ok {
			card, err := tx.Card(l.CardID)
			if ErrorCode(err) == NotFound {
				continue
			}
			if err != nil {
				return err
			}
			c = &card
			cards[l.CardID] = c
		}
		if c.Withdrawn {
			continue
		}
		if _, counted, err := c.available(l.Variant); err != nil || !counted {
			continue // the variant was removed or its stock made unlimited since
		}
		if err := c.adjustStock(l.Variant, int64(l.Qty)); err != nil {
			return err
		}
		changed[c.ID] = true
	}
	return saveStock(tx, cards, changed, now)
}

func variantSuffix(v string) string {
	if v == "" {
		return ""
	}
	return " (" + v + ")"
}

// attributeShare checks that the share is the distributor's own forward of
// a card in the order, and adds the order and its sales (the share's price
// × the pieces of that card) to the share's figures.
func attributeShare(tx Tx, o Order, shareID string) error {
	if shareID == "" {
		return nil
	}
	sh, err := tx.ShareRef(shareID)
	if ErrorCode(err) == NotFound || (err == nil && sh.DistributorID != o.DistributorID) {
		return Errorf(Invalid, "share_id is not one of your shares")
	}
	if err != nil {
		return err
	}
	qty := 0
	for _, l := range o.Lines {
		if l.CardID == sh.CardID {
			qty += l.Qty
		}
	}
	if qty == 0 {
		return Errorf(Invalid, "share_id forwards a card that is not in this order")
	}
	return tx.AddShareSale(shareID, 1, sh.Price*int64(qty))
}

// viewOrderIn renders an order with its parties as tx sees them.
func viewOrderIn(tx Tx, o Order, whole bool) (OrderView, error) {
	supplier, err := tx.Account(o.SupplierID)
	if err != nil {
		return OrderView{}, err
	}
	distributor, err := tx.Account(o.DistributorID)
	if err != nil {
		return OrderView{}, err
	}
	return ViewOrder(o, supplier.PartyRef(), distributor.PartyRef(), whole), nil
}

// GetOrder returns an order to one of its two parties, with the consignee
// whole (unless erased). Anyone else gets NotFound, as for an order that
// does not exist.
func (s *Service) GetOrder(ctx context.Context, account Account, id string) (OrderView, error) {
	return view(ctx, s, func(tx Tx) (OrderView, error) {
		o, err := orderFor(tx, account, id)
		if err != nil {
			return OrderView{}, err
		}
		return viewOrderIn(tx, o, true)
	})
}

// orderFor loads an order that account is a party to.
func orderFor(tx Tx, account Account, id string) (Order, error) {
	o, err := tx.Order(id)
	if err == nil && o.SupplierID != account.ID && o.DistributorID != account.ID {
		err = Errorf(NotFound, "no such order")
	}
	if ErrorCode(err) == NotFound {
		return Order{}, Errorf(NotFound, "no such order")
	}
	return o, err
}

// ListOrders returns one page of the orders account placed or received,
// newest first, optionally in one state, with consignees masked.
func (s *Service) ListOrders(ctx context.Context, account Account, state OrderState, before string, limit int) ([]OrderView, string, error) {
	if state != "" && !knownOrderState(state) {
		return nil, "", Errorf(Invalid, "state %q is not an order state", state)
	}
	orders, next, err := s.Orders.AccountOrders(ctx, account.ID, state, before, limit)
	if err != nil {
		return nil, "", err
	}
	parties := map[string]PartyRef{}
	views := make([]OrderView, 0, len(orders))
	for _, o := range orders {
		sup, err := s.partyRef(ctx, parties, o.SupplierID)
		if err != nil {
			return nil, "", err
		}
		dist, err := s.partyRef(ctx, parties, o.DistributorID)
		if err != nil {
			return nil, "", err
		}
		views = append(views, ViewOrder(o, sup, dist, false))
	}
	return views, next, nil
}

func (s *Service) partyRef(ctx context.Context, cache map[string]PartyRef, id string) (PartyRef, error) {
	if r, ok := cache[id]; ok {
		return r, nil
	}
	a, err := s.Accounts.Account(ctx, id)
	if err != nil {
		return PartyRef{}, err
	}
	cache[id] = a.PartyRef()
	return cache[id], nil
}

func knownOrderState(s OrderState) bool {
	switch s {
	case OrderSubmitted, OrderAccepted, OrderRejected, OrderCancelled, OrderPartiallyShipped,
		OrderShipped, OrderDelivered, OrderCompleted:
		return true
	}
	return false
}
