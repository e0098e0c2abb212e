package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// orderParties is a supplier with a card and two distributors.
type orderParties struct {
	sup, other catalog.Account
	d1, d2     catalog.Account
	card       catalog.Card
}

func (f *fixture) orderParties() orderParties {
	f.t.Helper()
	p := orderParties{sup: f.supplier(), other: f.supplier(), d1: f.distributor(), d2: f.distributor()}
	p.card, _ = f.card(p.sup.ID)
	return p
}

func testOrders(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("OrderReadsBackWholeInAUnit", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		sh := f.newShare(p.d1, p.card, base)
		f.createShare(sh)
		shipped := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, base)
		accepted, shipBy, sent := base.Add(time.Hour), base.Add(49*time.Hour), base.Add(30*time.Hour)
		shipped.Lines = append(shipped.Lines, catalog.OrderLine{Line: 2, CardID: p.card.ID, Title: "连衣裙", Variant: "红色 M",
			Qty: 1, UnitPrice: 1100, Amount: 1100, ImageURL: "/v1/images/x/grid.jpg"})
		shipped.Total = 3500
		shipped.Consignee.Postcode = "310000"
		shipped.Note, shipped.ShareID, shipped.OutOrderID = "周末送达", sh.ID, "erp-1"
		shipped.State, shipped.Payment, shipped.CancelRequested = catalog.OrderPartiallyShipped, catalog.PaymentPaid, true
		shipped.Guarantees = []string{"ship_48h", "late_refund"}
		shipped.AcceptedAt, shipped.ShipBy = &accepted, &shipBy
		shipped.Shipments = []catalog.Shipment{{ID: "s1", Lines: []catalog.ShipmentLine{{Line: 1, Qty: 2}}, Carrier: "顺丰",
			TrackingNumber: "SF123", TrackingURL: "https://sf-express.com/SF123", ShippedAt: sent}}
		shipped.UpdatedAt, shipped.Version = sent, 3
		ended := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, base)
		delivered, closed := base.Add(100*time.Hour), base.Add(200*time.Hour)
		ended.State, ended.Reason, ended.LateRefunded = catalog.OrderCompleted, "done", true
		ended.DeliveredAt, ended.EndedAt = &delivered, &closed
		for _, o := range []catalog.Order{shipped, ended} {
			f.saveOrder(o, catalog.OrderUpdatedChange)
		}
		f.view(func(tx catalog.Tx) error {
			for _, o := range []catalog.Order{shipped, ended} {
				got, err := tx.Order(o.ID)
				noErr(t, "tx.Order", err)
				sameObject(t, "tx.Order", got, o)
			}
			_, err := tx.Order(f.id())
			wantCode(t, "an unknown order", err, catalog.NotFound)
			return nil
		})
	})

	t.Run("ListsAndChangesCarryTheMaskedConsignee", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		o := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, base)
		ch := f.saveOrder(o, catalog.OrderSubmittedChange)
		masked := o.Consignee.Masked()
		for _, who := range []string{p.sup.ID, p.d1.ID} {
			list, _, err := f.s.Orders.AccountOrders(f.ctx, who, "", "", 10)
			noErr(t, "AccountOrders", err)
			if len(list) != 1 || list[0].Consignee != masked || !list[0].ConsigneeMasked {
				t.Fatalf("AccountOrders of %s = %+v, want one order with the masked consignee %+v", who, list, masked)
			}
		}
		for _, c := range append(f.logAfter(ch.Seq-1), ch) {
			if c.Order == nil || c.Order.Consignee.Phone != masked.Phone || c.Order.Consignee.Address != masked.Address {
				t.Fatalf("order change %d carries %+v, want the masked consignee", c.Seq, c.Order)
			}
		}
	})

	t.Run("AccountOrdersPerPartyNewestFirstWithPaging", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		var supWant, d1Want []string
		for i := 0; i < 7; i++ {
			d := p.d1
			if i%3 == 1 {
				d = p.d2
			}
			o := f.newOrder(p.sup.ID, d.ID, p.card.ID, base.Add(time.Duration(i)*time.Minute))
			f.saveOrder(o, catalog.OrderSubmittedChange)
			supWant = append(supWant, o.ID)
			if d.ID == p.d1.ID {
				d1Want = append(d1Want, o.ID)
			}
		}
		otherCard, _ := f.card(p.other.ID)
		o := f.newOrder(p.other.ID, p.d1.ID, otherCard.ID, base.Add(time.Hour))
		f.saveOrder(o, catalog.OrderSubmittedChange)
		d1Want = append(d1Want, o.ID)
		sameIDs(t, "supplier's orders", f.orderPages(p.sup.ID, "", 3), reversed(supWant))
		sameIDs(t, "distributor's orders", f.orderPages(p.d1.ID, "", 2), reversed(d1Want))
		sameIDs(t, "other supplier's orders", f.orderPages(p.other.ID, "", 2), []string{o.ID})
	})

	t.Run("StateFilterFollowsTheOrder", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		var all []catalog.Order
		for i := 0; i < 4; i++ {
			o := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, base.Add(time.Duration(i)*time.Minute))
			f.saveOrder(o, catalog.OrderSubmittedChange)
			all = append(all, o)
		}
		accepted := []catalog.Order{all[0], all[2]}
		for _, o := range accepted {
			at := base.Add(time.Hour)
			o.State, o.AcceptedAt, o.Version = catalog.OrderAccepted, &at, 2
			f.saveOrder(o, catalog.OrderUpdatedChange)
		}
		for _, who := range []string{p.sup.ID, p.d1.ID} {
			sameIDs(t, "accepted orders", f.orderPages(who, catalog.OrderAccepted, 1), []string{all[2].ID, all[0].ID})
			sameIDs(t, "submitted orders", f.orderPages(who, catalog.OrderSubmitted, 1), []string{all[3].ID, all[1].ID})
			sameIDs(t, "all orders", f.orderPages(who, "", 10), reversed(ids(all, orderID)))
		}
	})

	t.Run("OrderByOutIDIsPerDistributor", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		o := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, base)
		o.OutOrderID = "erp-42"
		f.saveOrder(o, catalog.OrderSubmittedChange)
		f.view(func(tx catalog.Tx) error {
			if id, ok, err := tx.OrderByOutID(p.d1.ID, "erp-42"); err != nil || !ok || id != o.ID {
				t.Errorf("OrderByOutID(d1) = %q, %v, %v", id, ok, err)
			}
			if id, ok, err := tx.OrderByOutID(p.d2.ID, "erp-42"); err != nil || ok {
				t.Errorf("OrderByOutID(d2) = %q, %v, %v: another distributor's out_order_id", id, ok, err)
			}
			if _, ok, err := tx.OrderByOutID(p.d1.ID, "erp-43"); err != nil || ok {
				t.Errorf("OrderByOutID(unknown) = %v, %v", ok, err)
			}
			return nil
		})
	})

	t.Run("DueOrdersSoonestFirst", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		mk := func(created time.Time) catalog.Order {
			o := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, created)
			f.saveOrder(o, catalog.OrderSubmittedChange)
			return o
		}
		late, early, mid := mk(base.Add(-1*time.Hour)), mk(base.Add(-3*time.Hour)), mk(base.Add(-2*time.Hour))
		now := base.Add(catalog.AnswerWindow - 90*time.Minute) // early and mid are due, late is not
		due, err := f.s.Orders.DueOrders(f.ctx, now, 10)
		noErr(t, "DueOrders", err)
		sameIDs(t, "DueOrders", due, []string{early.ID, mid.ID})
		due, err = f.s.Orders.DueOrders(f.ctx, now, 1)
		noErr(t, "DueOrders", err)
		sameIDs(t, "DueOrders(limit 1)", due, []string{early.ID})
		due, err = f.s.Orders.DueOrders(f.ctx, early.Due(), 10)
		noErr(t, "DueOrders", err)
		sameIDs(t, "DueOrders at exactly the due time", due, []string{early.ID})
		// Accepted without a ship-by promise, early has nothing due: it
		// leaves the agenda.
		at := base
		early.State, early.AcceptedAt, early.Version = catalog.OrderAccepted, &at, 2
		f.saveOrder(early, catalog.OrderUpdatedChange)
		due, err = f.s.Orders.DueOrders(f.ctx, base.Add(catalog.AnswerWindow+time.Hour), 10)
		noErr(t, "DueOrders", err)
		sameIDs(t, "DueOrders after accepting one", due, []string{mid.ID, late.ID})
	})

	t.Run("CompletedSpendSumsThePairsCompletedOrders", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		complete := func(sup, dist catalog.Account, total int64, ended time.Time, state catalog.OrderState) {
			card := p.card
			if sup.ID != p.sup.ID {
				card, _ = f.card(sup.ID)
			}
			o := f.newOrder(sup.ID, dist.ID, card.ID, ended.Add(-time.Hour))
			o.Total, o.State, o.EndedAt, o.Version = total, state, &ended, 3
			f.saveOrder(o, catalog.OrderUpdatedChange)
		}
		since := base
		complete(p.sup, p.d1, 1000, base.Add(time.Hour), catalog.OrderCompleted)
		complete(p.sup, p.d1, 2000, base, catalog.OrderCompleted)                   // at since: counted
		complete(p.sup, p.d1, 4000, base.Add(-time.Minute), catalog.OrderCompleted) // before since
		complete(p.sup, p.d1, 8000, base.Add(time.Hour), catalog.OrderCancelled)
		complete(p.sup, p.d2, 16000, base.Add(time.Hour), catalog.OrderCompleted)
		complete(p.other, p.d1, 32000, base.Add(time.Hour), catalog.OrderCompleted)
		f.view(func(tx catalog.Tx) error {
			got, err := tx.CompletedSpend(p.sup.ID, p.d1.ID, since)
			if err != nil || got != 3000 {
				t.Errorf("CompletedSpend = %d, %v; want 3000", got, err)
			}
			return nil
		})
	})

	t.Run("SupplierOrdersSinceWithTheirCases", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		old := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, base.Add(-time.Hour))
		f.saveOrder(old, catalog.OrderSubmittedChange)
		recent := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, base.Add(time.Hour))
		f.saveOrder(recent, catalog.OrderSubmittedChange)
		otherCard, _ := f.card(p.other.ID)
		f.saveOrder(f.newOrder(p.other.ID, p.d1.ID, otherCard.ID, base.Add(2*time.Hour)), catalog.OrderSubmittedChange)
		as := f.newAfterSale(recent, base.Add(3*time.Hour))
		f.saveAfterSale(as)
		f.view(func(tx catalog.Tx) error {
			got, err := tx.SupplierOrdersSince(p.sup.ID, base)
			if err != nil || len(got) != 1 || got[0].Order.ID != recent.ID || len(got[0].AfterSale) != 1 || got[0].AfterSale[0].ID != as.ID {
				t.Errorf("SupplierOrdersSince = %+v, %v; want the recent order with its case", got, err)
			} else if got[0].Order.Consignee == recent.Consignee {
				t.Errorf("SupplierOrdersSince returned the whole consignee")
			}
			return nil
		})
	})

	t.Run("MetricsSaveAndRead", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		f.view(func(tx catalog.Tx) error {
			if _, ok, err := tx.Metrics(sup.ID); ok || err != nil {
				t.Errorf("Metrics before any measure: %v, %v", ok, err)
			}
			return nil
		})
		rate := 0.97
		m := catalog.Metrics{WindowDays: 30, Orders: 12, OnTime: 11, OnTimeShipRate: &rate, Badges: []string{"ships_on_time"}}
		f.update(func(tx catalog.Tx) error { return tx.SaveMetrics(sup.ID, m) })
		f.view(func(tx catalog.Tx) error {
			got, ok, err := tx.Metrics(sup.ID)
			if err != nil || !ok || got.Orders != 12 || got.OnTimeShipRate == nil || *got.OnTimeShipRate != rate || !slices.Equal(got.Badges, m.Badges) {
				t.Errorf("Metrics = %+v, %v, %v", got, ok, err)
			}
			return nil
		})
	})
}

// orderPages reads every page of an account's orders in state.
func (f *fixture) orderPages(accountID string, state catalog.OrderState, limit int) []string {
	f.t.Helper()
	return pages(f.t, "AccountOrders", limit, orderID, func(before string) ([]catalog.Order, string, error) {
		return f.s.Orders.AccountOrders(f.ctx, accountID, state, before, limit)
	})
}

func (f *fixture) newAfterSale(o catalog.Order, created time.Time) catalog.AfterSale {
	return catalog.AfterSale{ID: f.id(), OrderID: o.ID, SupplierID: o.SupplierID, DistributorID: o.DistributorID,
		Kind: catalog.KindRefund, Lines: []catalog.ShipmentLine{{Line: 1, Qty: 1}}, Reason: "破了", Category: "damaged",
		Amount: 1200, EvidenceImageIDs: []string{}, State: catalog.ASRequested, CreatedAt: created, UpdatedAt: created, Version: 1}
}

func (f *fixture) saveAfterSale(a catalog.AfterSale) catalog.Change {
	f.t.Helper()
	var ch catalog.Change
	f.update(func(tx catalog.Tx) error {
		var err error
		ch, err = tx.SaveAfterSale(a, catalog.AfterSaleUpdatedChange)
		return err
	})
	return ch
}

func testAfterSales(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("CaseReadsBackAndIsListedUnderItsOrder", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		o := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, base)
		f.saveOrder(o, catalog.OrderSubmittedChange)
		a1, a2 := f.newAfterSale(o, base.Add(time.Hour)), f.newAfterSale(o, base.Add(2*time.Hour))
		evidence := catalog.Image{ID: f.id(), OwnerID: p.d1.ID, Width: 640, Height: 480, CreatedAt: base}
		f.update(func(tx catalog.Tx) error { return tx.CreateImage(evidence) })
		a1.Kind, a1.Category, a1.EvidenceImageIDs = catalog.KindExchange, "wrong_item", []string{evidence.ID}
		a1.State, a1.RejectReason = catalog.ASReshipped, "first refused, then agreed"
		a1.ReturnShipment = &catalog.Parcel{Carrier: "中通", TrackingNumber: "ZT1", At: base.Add(3 * time.Hour)}
		a1.Reshipment = &catalog.Parcel{Carrier: "顺丰", TrackingNumber: "SF2", At: base.Add(5 * time.Hour)}
		a1.Version = 4
		ch := f.saveAfterSale(a1)
		f.saveAfterSale(a2)
		if ch.Kind != catalog.AfterSaleUpdatedChange || ch.AfterSale == nil || ch.AfterSale.ID != a1.ID || ch.DistributorID != p.d1.ID {
			t.Fatalf("SaveAfterSale change = %+v", ch)
		}
		f.view(func(tx catalog.Tx) error {
			got, err := tx.AfterSale(a1.ID)
			noErr(t, "tx.AfterSale", err)
			sameObject(t, "tx.AfterSale", got, a1)
			cases, err := tx.OrderAfterSales(o.ID)
			got2 := ids(cases, func(a catalog.AfterSale) string { return a.ID })
			slices.Sort(got2)
			if err != nil || !slices.Equal(got2, []string{a1.ID, a2.ID}) {
				t.Errorf("OrderAfterSales = %v, %v", got2, err)
			}
			_, err = tx.AfterSale(f.id())
			wantCode(t, "an unknown case", err, catalog.NotFound)
			return nil
		})
	})

	t.Run("AccountAfterSalesPerPartyStateAndPaging", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		o1 := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, base)
		o2 := f.newOrder(p.sup.ID, p.d2.ID, p.card.ID, base)
		f.saveOrder(o1, catalog.OrderSubmittedChange)
		f.saveOrder(o2, catalog.OrderSubmittedChange)
		var all, d1 []catalog.AfterSale
		for i := 0; i < 5; i++ {
			o := o1
			if i == 2 {
				o = o2
			}
			a := f.newAfterSale(o, base.Add(time.Duration(i)*time.Hour))
			f.saveAfterSale(a)
			all = append(all, a)
			if o.ID == o1.ID {
				d1 = append(d1, a)
			}
		}
		approved := all[1]
		approved.State, approved.Version = catalog.ASApproved, 2
		f.saveAfterSale(approved)
		caseID := func(a catalog.AfterSale) string { return a.ID }
		cases := func(who string, state catalog.AfterSaleState) []string {
			return pages(t, "AccountAfterSales", 2, caseID, func(before string) ([]catalog.AfterSale, string, error) {
				return f.s.Orders.AccountAfterSales(f.ctx, who, state, before, 2)
			})
		}
		sameIDs(t, "supplier's cases", cases(p.sup.ID, ""), reversed(ids(all, caseID)))
		sameIDs(t, "d1's cases", cases(p.d1.ID, ""), reversed(ids(d1, caseID)))
		sameIDs(t, "d2's cases", cases(p.d2.ID, ""), []string{all[2].ID})
		sameIDs(t, "approved cases", cases(p.sup.ID, catalog.ASApproved), []string{approved.ID})
		sameIDs(t, "requested cases of d1", cases(p.d1.ID, catalog.ASRequested), []string{all[4].ID, all[3].ID, all[0].ID})
	})

	t.Run("DueAfterSalesSoonestFirst", func(t *testing.T) {
		f := open(t)
		p := f.orderParties()
		o := f.newOrder(p.sup.ID, p.d1.ID, p.card.ID, base)
		f.saveOrder(o, catalog.OrderSubmittedChange)
		late, early, mid := f.newAfterSale(o, base.Add(3*time.Hour)), f.newAfterSale(o, base.Add(time.Hour)), f.newAfterSale(o, base.Add(2*time.Hour))
		for _, a := range []catalog.AfterSale{late, early, mid} {
			f.saveAfterSale(a)
		}
		now := base.Add(catalog.AfterSaleAnswerWindow + 150*time.Minute)
		due, err := f.s.Orders.DueAfterSales(f.ctx, now, 10)
		noErr(t, "DueAfterSales", err)
		sameIDs(t, "DueAfterSales", due, []string{early.ID, mid.ID})
		early.State, early.Version = catalog.ASApproved, 2
		f.saveAfterSale(early)
		due, err = f.s.Orders.DueAfterSales(f.ctx, now.Add(time.Hour), 10)
		noErr(t, "DueAfterSales", err)
		sameIDs(t, "DueAfterSales after approving one", due, []string{mid.ID, late.ID})
	})
}
