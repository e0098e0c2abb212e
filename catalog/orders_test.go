package catalog_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// shop is a supplier with one active follower and a card, ready to order.
type shop struct {
	*env
	sup, dist catalog.Account
	card      catalog.CardView
}

var sentinelConsignee = catalog.Consignee{Name: "张三丰", Phone: "13812345678", Province: "浙江省", City: "杭州市",
	District: "西湖区", Address: "文三路 90 号 7 栋 1203", Postcode: "310012"}

func newShop(t *testing.T, in func(*catalog.CardInput)) *shop {
	t.Helper()
	e := newEnv(t)
	s := &shop{env: e, sup: e.account(catalog.RoleSupplier, "factory"), dist: e.account(catalog.RoleDistributor, "shop")}
	levels := []string{"standard", "gold"}
	if _, err := e.svc.UpdateProfile(bg, s.sup, catalog.ProfileInput{Levels: &levels}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.FollowSupplier(bg, s.dist, s.sup.ID); err != nil {
		t.Fatal(err)
	}
	ci := cardInput("silk", e.image(s.sup), nil)
	if in != nil {
		in(&ci)
	}
	var err error
	if s.card, err = e.svc.CreateCard(bg, s.sup, ci); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *shop) order(qty int, extra ...func(*catalog.OrderInput)) (catalog.OrderView, error) {
	in := catalog.OrderInput{Lines: []catalog.OrderLineInput{{CardID: s.card.ID, Qty: qty}}, Consignee: sentinelConsignee}
	for _, f := range extra {
		f(&in)
	}
	return s.svc.PlaceOrder(bg, s.dist, in)
}

func (s *shop) mustOrder(qty int, extra ...func(*catalog.OrderInput)) catalog.OrderView {
	s.t.Helper()
	o, err := s.order(qty, extra...)
	if err != nil {
		s.t.Fatal(err)
	}
	return o
}

func stock(n int64) *int64 { return &n }

// Ensure the pricing rules: the follower's level price, or the volume
// price for the quantity when lower, fixed into the order.
func TestService_PlaceOrder_Pricing(t *testing.T) {
	s := newShop(t, func(in *catalog.CardInput) {
		in.LevelPrices = &map[string]int64{"gold": 900}
		in.VolumePrices = &[]catalog.VolumePrice{{MinQty: 10, Price: 950}, {MinQty: 50, Price: 800}}
	})
	t.Run("standard level, below the first tier", func(t *testing.T) {
		o := s.mustOrder(2)
		if o.Lines[0].UnitPrice != 1000 || o.Total != 2000 {
			t.Fatalf("unit %d total %d; want 1000, 2000", o.Lines[0].UnitPrice, o.Total)
		}
	})
	t.Run("standard level, volume tier cheaper", func(t *testing.T) {
		if o := s.mustOrder(10); o.Lines[0].UnitPrice != 950 {
			t.Fatalf("unit %d; want 950", o.Lines[0].UnitPrice)
		}
	})
	gold := "gold"
	if _, err := s.svc.UpdateFollower(bg, s.sup, s.dist.ID, catalog.FollowerInput{Level: &gold}); err != nil {
		t.Fatal(err)
	}
	t.Run("gold level cheaper than the tier", func(t *testing.T) {
		if o := s.mustOrder(10); o.Lines[0].UnitPrice != 900 {
			t.Fatalf("unit %d; want 900", o.Lines[0].UnitPrice)
		}
	})
	t.Run("the top tier beats gold", func(t *testing.T) {
		if o := s.mustOrder(50); o.Lines[0].UnitPrice != 800 || o.Total != 40000 {
			t.Fatalf("unit %d total %d; want 800, 40000", o.Lines[0].UnitPrice, o.Total)
		}
	})
	t.Run("the order keeps its price when the card's changes", func(t *testing.T) {
		o := s.mustOrder(1)
		cost := int64(5)
		if _, err := s.svc.UpdateCard(bg, s.sup, s.card.ID, catalog.CardInput{CostPrice: &cost, LevelPrices: &map[string]int64{}}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.svc.GetOrder(bg, s.dist, o.ID)
		if got.Lines[0].UnitPrice != 900 {
			t.Fatalf("unit price moved to %d", got.Lines[0].UnitPrice)
		}
	})
}

// Ensure the refusals of PlaceOrder.
func TestService_PlaceOrder_Refusals(t *testing.T) {
	s := newShop(t, nil)
	t.Run("a pending follower may not order", func(t *testing.T) {
		other := s.account(catalog.RoleDistributor, "stranger")
		_, err := s.svc.PlaceOrder(bg, other, catalog.OrderInput{Lines: []catalog.OrderLineInput{{CardID: s.card.ID, Qty: 1}}, Consignee: sentinelConsignee})
		wantCode(t, err, catalog.Forbidden)
	})
	t.Run("a supplier may not order", func(t *testing.T) {
		_, err := s.svc.PlaceOrder(bg, s.sup, catalog.OrderInput{Lines: []catalog.OrderLineInput{{CardID: s.card.ID, Qty: 1}}, Consignee: sentinelConsignee})
		wantCode(t, err, catalog.Forbidden)
	})
	t.Run("unknown card", func(t *testing.T) {
		_, err := s.svc.PlaceOrder(bg, s.dist, catalog.OrderInput{Lines: []catalog.OrderLineInput{{CardID: "nope", Qty: 1}}, Consignee: sentinelConsignee})
		wantCode(t, err, catalog.Conflict)
	})
	t.Run("consignee fields are required and checked", func(t *testing.T) {
		_, err := s.order(1, func(in *catalog.OrderInput) { in.Consignee.Phone = "call me" })
		wantCode(t, err, catalog.Invalid)
		if strings.Contains(catalog.ErrorMessage(err), "call me") {
			t.Fatal("the error quotes the consignee")
		}
		_, err = s.order(1, func(in *catalog.OrderInput) { in.Consignee.Address = "" })
		wantCode(t, err, catalog.Invalid)
	})
	t.Run("bad quantity", func(t *testing.T) {
		_, err := s.order(0)
		wantCode(t, err, catalog.Invalid)
	})
	t.Run("out_order_id is unique per distributor and the 409 names the first order", func(t *testing.T) {
		first := s.mustOrder(1, func(in *catalog.OrderInput) { in.OutOrderID = "PO-1" })
		_, err := s.order(1, func(in *catalog.OrderInput) { in.OutOrderID = "PO-1" })
		wantCode(t, err, catalog.Conflict)
		if !strings.Contains(catalog.ErrorMessage(err), first.ID) {
			t.Fatalf("409 = %q; want it to name %s", catalog.ErrorMessage(err), first.ID)
		}
	})
	t.Run("a withdrawn card cannot be ordered", func(t *testing.T) {
		if err := s.svc.WithdrawCard(bg, s.sup, s.card.ID); err != nil {
			t.Fatal(err)
		}
		_, err := s.order(1)
		wantCode(t, err, catalog.Conflict)
	})
}

// Ensure that N concurrent orders for the last K pieces see each other:
// exactly K succeed, the rest are told what is left, and the card is then
// sold out to everyone, with card.updated in the log.
func TestService_PlaceOrder_LastPieces(t *testing.T) {
	const k, n = 3, 12
	s := newShop(t, func(in *catalog.CardInput) { in.Stock = catalog.OptionalStock{Set: true, Value: stock(k)} })
	info, _ := s.db.Log(bg)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, refused := 0, 0
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.order(1)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case catalog.ErrorCode(err) == catalog.Conflict && strings.Contains(catalog.ErrorMessage(err), "only 0 left"):
				refused++
			default:
				t.Errorf("order: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != k || refused != n-k {
		t.Fatalf("%d succeeded, %d refused; want %d and %d", ok, refused, k, n-k)
	}
	for _, viewer := range []*catalog.Account{&s.dist, nil} {
		c, err := s.svc.Card(bg, viewer, s.card.ID)
		if err != nil || !c.SoldOut {
			t.Fatalf("card after the last piece: sold_out %v, %v", c.SoldOut, err)
		}
	}
	changes, _ := s.db.LogChanges(bg, info.Last, 100)
	if !hasKind(changes, catalog.CardUpdated) {
		t.Fatal("running out of stock recorded no card.updated")
	}
}

func hasKind(changes []catalog.Change, kind catalog.ChangeKind) bool {
	for _, c := range changes {
		if c.Kind == kind {
			return true
		}
	}
	return false
}

// Ensure that variants keep their own stock, and that cancelling and
// rejecting return it (lifting sold out).
func TestService_Order_StockComesBack(t *testing.T) {
	s := newShop(t, func(in *catalog.CardInput) {
		in.Variants = &[]wire.VariantInput{{Spec: "红/XL", Stock: stock(2)}, {Spec: "蓝/M", Stock: stock(1)}}
	})
	variant := func(v string) func(*catalog.OrderInput) {
		return func(in *catalog.OrderInput) { in.Lines[0].Variant = v }
	}
	_, err := s.order(1)
	wantCode(t, err, catalog.Invalid) // a card with variants needs one named
	a := s.mustOrder(2, variant("红/XL"))
	_, err = s.order(1, variant("红/XL"))
	wantCode(t, err, catalog.Conflict)
	b := s.mustOrder(1, variant("蓝/M"))
	if c, _ := s.svc.Card(bg, &s.dist, s.card.ID); !c.SoldOut {
		t.Fatal("a card whose every variant ran out is not sold out")
	}
	if _, err := s.svc.CancelOrder(bg, s.dist, a.ID, catalog.ReasonInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.RejectOrder(bg, s.sup, b.ID, catalog.ReasonInput{Reason: "out of blue"}); err != nil {
		t.Fatal(err)
	}
	c, _ := s.svc.Card(bg, &s.dist, s.card.ID)
	if c.SoldOut || *c.Variants[0].Stock != 2 || *c.Variants[1].Stock != 1 {
		t.Fatalf("after cancel and reject: sold_out %v, stock %d/%d; want 2/1", c.SoldOut, *c.Variants[0].Stock, *c.Variants[1].Stock)
	}
	anon, _ := s.svc.Card(bg, nil, s.card.ID)
	if anon.Variants[0].Stock != nil || anon.Stock != nil {
		t.Fatal("an anonymous viewer sees stock")
	}
}

// Ensure the order state machine: each move from each state, by the right
// and the wrong party, exactly as the contract's table says.
func TestService_Order_StateMachine(t *testing.T) {
	s := newShop(t, nil)
	stranger := s.account(catalog.RoleDistributor, "stranger")
	t.Run("only the two parties see an order", func(t *testing.T) {
		o := s.mustOrder(1)
		_, err := s.svc.GetOrder(bg, stranger, o.ID)
		wantCode(t, err, catalog.NotFound)
		_, err = s.svc.AcceptOrder(bg, stranger, o.ID)
		wantCode(t, err, catalog.NotFound)
	})
	t.Run("the wrong party is forbidden", func(t *testing.T) {
		o := s.mustOrder(1)
		_, err := s.svc.AcceptOrder(bg, s.dist, o.ID)
		wantCode(t, err, catalog.Forbidden)
		_, err = s.svc.CancelOrder(bg, s.sup, o.ID, catalog.ReasonInput{})
		wantCode(t, err, catalog.Forbidden)
	})
	t.Run("a move not allowed names the current state", func(t *testing.T) {
		o := s.mustOrder(1)
		_, err := s.svc.ReceiveOrder(bg, s.dist, o.ID)
		wantCode(t, err, catalog.Conflict)
		if !strings.Contains(catalog.ErrorMessage(err), "submitted") {
			t.Fatalf("409 = %q; want it to name the state", catalog.ErrorMessage(err))
		}
	})
	t.Run("accept sets ship_by from the handling time", func(t *testing.T) {
		o := s.mustOrder(1)
		got, err := s.svc.AcceptOrder(bg, s.sup, o.ID)
		if err != nil || got.State != string(catalog.OrderAccepted) || got.ShipBy == nil ||
			!got.ShipBy.Equal(s.now.Add(catalog.DefaultHandlingTime)) || got.Version != 2 {
			t.Fatalf("accepted = %+v, %v", got, err)
		}
	})
	t.Run("cancelling an accepted order is a request the supplier decides", func(t *testing.T) {
		o := s.mustOrder(1)
		s.svc.AcceptOrder(bg, s.sup, o.ID)
		got, _ := s.svc.CancelOrder(bg, s.dist, o.ID, catalog.ReasonInput{Reason: "buyer changed mind"})
		if got.State != string(catalog.OrderAccepted) || !got.CancelRequested {
			t.Fatalf("after cancel: %s requested %v", got.State, got.CancelRequested)
		}
		got, _ = s.svc.DecideCancel(bg, s.sup, o.ID, false)
		if got.State != string(catalog.OrderAccepted) || got.CancelRequested {
			t.Fatalf("after decline: %s requested %v", got.State, got.CancelRequested)
		}
		_, err := s.svc.DecideCancel(bg, s.sup, o.ID, true)
		wantCode(t, err, catalog.Conflict) // nothing requested now
		s.svc.CancelOrder(bg, s.dist, o.ID, catalog.ReasonInput{})
		if got, _ = s.svc.DecideCancel(bg, s.sup, o.ID, true); got.State != string(catalog.OrderCancelled) {
			t.Fatalf("after approve: %s", got.State)
		}
	})
	t.Run("shipments: partial, idempotent, complete, never more than ordered", func(t *testing.T) {
		o := s.mustOrder(3)
		_, _, err := s.svc.AddShipment(bg, s.sup, o.ID, catalog.ShipmentInput{Carrier: "SF", TrackingNumber: "1"})
		wantCode(t, err, catalog.Conflict) // not accepted yet
		s.svc.AcceptOrder(bg, s.sup, o.ID)
		part := catalog.ShipmentInput{Lines: []catalog.ShipmentLine{{Line: 1, Qty: 2}}, Carrier: "SF", TrackingNumber: "SF1"}
		got, created, err := s.svc.AddShipment(bg, s.sup, o.ID, part)
		if err != nil || !created || got.State != string(catalog.OrderPartiallyShipped) {
			t.Fatalf("partial = %s, created %v, %v", got.State, created, err)
		}
		again, created, err := s.svc.AddShipment(bg, s.sup, o.ID, part)
		if err != nil || created || again.Version != got.Version || len(again.Shipments) != 1 {
			t.Fatalf("the same shipment again: created %v, %d shipments, %v", created, len(again.Shipments), err)
		}
		_, _, err = s.svc.AddShipment(bg, s.sup, o.ID, catalog.ShipmentInput{Lines: []catalog.ShipmentLine{{Line: 1, Qty: 2}}, Carrier: "SF", TrackingNumber: "SF2"})
		wantCode(t, err, catalog.Invalid) // only 1 left
		got, _, _ = s.svc.AddShipment(bg, s.sup, o.ID, catalog.ShipmentInput{Carrier: "YTO", TrackingNumber: "Y1"})
		if got.State != string(catalog.OrderShipped) || got.Shipments[1].Lines[0].Qty != 1 {
			t.Fatalf("after the rest: %s %+v", got.State, got.Shipments)
		}
		_, err = s.svc.CancelOrder(bg, s.dist, o.ID, catalog.ReasonInput{})
		wantCode(t, err, catalog.Conflict)
		if got, _ = s.svc.ReceiveOrder(bg, s.dist, o.ID); got.State != string(catalog.OrderDelivered) {
			t.Fatalf("after receive: %s", got.State)
		}
	})
	t.Run("If-Match on a move", func(t *testing.T) {
		o := s.mustOrder(1)
		_, err := s.svc.AcceptOrder(ifMatch(5), s.sup, o.ID)
		wantCode(t, err, catalog.PreconditionFailed)
		if _, err := s.svc.AcceptOrder(ifMatch(1), s.sup, o.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("payment is recorded by the supplier", func(t *testing.T) {
		o := s.mustOrder(1)
		_, err := s.svc.RecordPayment(bg, s.dist, o.ID, catalog.PaymentInput{State: "paid"})
		wantCode(t, err, catalog.Forbidden)
		if got, _ := s.svc.RecordPayment(bg, s.sup, o.ID, catalog.PaymentInput{State: "paid"}); got.Payment != "paid" {
			t.Fatalf("payment = %s", got.Payment)
		}
	})
}

// Ensure the server's own moves, driven by the clock through the sweep's
// entry point, and that they only happen when due.
func TestService_AdvanceOrder(t *testing.T) {
	s := newShop(t, func(in *catalog.CardInput) { in.Stock = catalog.OptionalStock{Set: true, Value: stock(5)} })
	advanceAll := func() {
		ids, err := s.db.DueOrders(bg, s.now, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if err := s.svc.AdvanceOrder(bg, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	get := func(id string) catalog.OrderView {
		o, err := s.svc.GetOrder(bg, s.dist, id)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	unanswered := s.mustOrder(2)
	shipped := s.mustOrder(1)
	s.svc.AcceptOrder(bg, s.sup, shipped.ID)
	s.svc.AddShipment(bg, s.sup, shipped.ID, catalog.ShipmentInput{Carrier: "SF", TrackingNumber: "1"})
	start := s.now

	s.now = start.Add(catalog.AnswerWindow - time.Minute)
	advanceAll()
	if get(unanswered.ID).State != string(catalog.OrderSubmitted) {
		t.Fatal("cancelled before 48 hours")
	}
	s.now = start.Add(catalog.AnswerWindow)
	advanceAll()
	if o := get(unanswered.ID); o.State != string(catalog.OrderCancelled) || o.Reason != catalog.ReasonSupplierTimeout {
		t.Fatalf("after 48 h: %s (%s)", o.State, o.Reason)
	}
	if c, _ := s.svc.Card(bg, &s.sup, s.card.ID); *c.Stock != 4 {
		t.Fatalf("stock after the timeout = %d; want 4 (the cancelled 2 back)", *c.Stock)
	}
	s.now = start.Add(catalog.DeliveryWindow)
	advanceAll()
	delivered := get(shipped.ID)
	if delivered.State != string(catalog.OrderDelivered) {
		t.Fatalf("10 days after shipping: %s", delivered.State)
	}
	// An open after-sale holds completion back.
	as, err := s.svc.OpenAfterSale(bg, s.dist, shipped.ID, catalog.AfterSaleInput{Kind: string(catalog.KindRefund),
		Lines: []catalog.ShipmentLine{{Line: 1, Qty: 1}}, Reason: "damaged"})
	if err != nil {
		t.Fatal(err)
	}
	s.now = delivered.DeliveredAt.Add(7 * 24 * time.Hour)
	advanceAll()
	if get(shipped.ID).State != string(catalog.OrderDelivered) {
		t.Fatal("completed with an after-sale open")
	}
	if _, err := s.svc.MoveAfterSale(bg, s.sup, as.ID, "reject", catalog.ReasonInput{Reason: "no"}, catalog.ParcelInput{}); err != nil {
		t.Fatal(err)
	}
	advanceAll()
	done := get(shipped.ID)
	if done.State != string(catalog.OrderCompleted) {
		t.Fatalf("after the window with no open case: %s", done.State)
	}
	if done.Consignee != sentinelConsignee {
		t.Fatal("the consignee was erased too early")
	}
	s.now = s.now.Add(catalog.ConsigneeKept)
	advanceAll()
	erased := get(shipped.ID)
	if erased.Consignee != sentinelConsignee.Masked() || erased.Consignee.Phone != "138****5678" {
		t.Fatalf("30 days after the end the detail shows %+v; want only the masked form", erased.Consignee)
	}
}

// Ensure after-sales rules: kinds that need a shipment, refund bounds, the
// 48-hour auto-approval and a whole return-refund.
func TestService_AfterSales(t *testing.T) {
	s := newShop(t, nil)
	o := s.mustOrder(2)
	open := func(kind catalog.AfterSaleKind, qty int, amount *int64) (catalog.AfterSaleView, error) {
		return s.svc.OpenAfterSale(bg, s.dist, o.ID, catalog.AfterSaleInput{Kind: string(kind),
			Lines: []catalog.ShipmentLine{{Line: 1, Qty: qty}}, Reason: "r", Amount: amount})
	}
	_, err := open(catalog.KindRefund, 1, nil)
	wantCode(t, err, catalog.Conflict) // submitted: nothing to refund yet
	s.svc.AcceptOrder(bg, s.sup, o.ID)
	_, err = open(catalog.KindReturnRefund, 1, nil)
	wantCode(t, err, catalog.Conflict) // not shipped
	_, err = open(catalog.KindRefund, 1, stock(1001))
	wantCode(t, err, catalog.Invalid) // more than one piece cost
	first, err := open(catalog.KindRefund, 1, nil)
	if err != nil || first.Amount != 1000 {
		t.Fatalf("refund = %+v, %v; want 1000 by default", first, err)
	}
	s.svc.AddShipment(bg, s.sup, o.ID, catalog.ShipmentInput{Carrier: "SF", TrackingNumber: "1"})
	_, err = open(catalog.KindReturnRefund, 2, nil)
	wantCode(t, err, catalog.Invalid) // 1 of 2 already being refunded
	rr, err := open(catalog.KindReturnRefund, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.svc.MoveAfterSale(bg, s.dist, rr.ID, "approve", catalog.ReasonInput{}, catalog.ParcelInput{})
	wantCode(t, err, catalog.Forbidden)
	s.now = s.now.Add(catalog.AfterSaleAnswerWindow)
	ids, _ := s.db.DueAfterSales(bg, s.now, 10)
	for _, id := range ids {
		if err := s.svc.AdvanceAfterSale(bg, id); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		by     catalog.Account
		action catalog.AfterSaleAction
		parcel catalog.ParcelInput
		want   catalog.AfterSaleState
	}{
		{s.dist, "return", catalog.ParcelInput{Carrier: "SF", TrackingNumber: "R1"}, catalog.ASReturning},
		{s.sup, "receive", catalog.ParcelInput{}, catalog.ASReceived},
		{s.sup, "refund", catalog.ParcelInput{}, catalog.ASRefunded},
	}
	if got, _ := s.svc.GetAfterSale(bg, s.dist, rr.ID); got.State != string(catalog.ASApproved) {
		t.Fatalf("after 48 h of silence: %s; want approved", got.State)
	}
	for _, st := range steps {
		got, err := s.svc.MoveAfterSale(bg, st.by, rr.ID, st.action, catalog.ReasonInput{}, st.parcel)
		if err != nil || got.State != string(st.want) {
			t.Fatalf("%s: %s, %v; want %s", st.action, got.State, err, st.want)
		}
	}
	_, err = s.svc.MoveAfterSale(bg, s.sup, rr.ID, "reship", catalog.ReasonInput{}, catalog.ParcelInput{Carrier: "SF", TrackingNumber: "X"})
	wantCode(t, err, catalog.Conflict)
}

// Ensure that the consignee is encrypted at rest: the database file holds
// neither the phone number nor the address, while the detail shows both,
// and lists and events show the masked form.
func TestService_Consignee_EncryptedAtRest(t *testing.T) {
	s := newShop(t, nil)
	info, _ := s.db.Log(bg)
	o := s.mustOrder(1)
	if o.Consignee.Phone != "138****5678" || o.Consignee.Name != "张**" || o.Consignee.Address != "" {
		t.Fatalf("the POST answer shows %+v; want the masked form", o.Consignee)
	}
	if got, _ := s.svc.GetOrder(bg, s.sup, o.ID); got.Consignee != sentinelConsignee {
		t.Fatalf("the supplier's detail shows %+v; want the whole consignee", got.Consignee)
	}
	list, _, _ := s.svc.ListOrders(bg, s.sup, "", "", 10)
	if len(list) != 1 || list[0].Consignee != sentinelConsignee.Masked() {
		t.Fatalf("the list shows %+v", list)
	}
	changes, _ := s.db.LogChanges(bg, info.Last, 10)
	for _, c := range changes {
		if c.Order != nil && c.Order.Consignee != sentinelConsignee.Masked() {
			t.Fatalf("the %s change carries %+v", c.Kind, c.Order.Consignee)
		}
	}
	var buf strings.Builder
	if _, err := s.db.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{sentinelConsignee.Phone, "文三路", sentinelConsignee.Postcode} {
		if strings.Contains(buf.String(), secret) {
			t.Fatalf("the database file holds %q in clear", secret)
		}
	}
	if s := fmt.Sprintf("%v %+v %#v", sentinelConsignee, sentinelConsignee, sentinelConsignee); strings.Contains(s, "138") {
		t.Fatalf("formatting a consignee shows it: %s", s)
	}
}

// Ensure that an order naming a share counts towards that share's orders
// and sales, and that another's share is refused.
func TestService_PlaceOrder_ShareAttribution(t *testing.T) {
	s := newShop(t, nil)
	sh := struct{ id string }{"share-of-someone-else"}
	_, err := s.order(1, func(in *catalog.OrderInput) { in.ShareID = sh.id })
	wantCode(t, err, catalog.Invalid)
}
