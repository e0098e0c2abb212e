package catalog_test

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Ensure the Wilson lower bound matches published values: 95 of 100 gives
// 0.8882 (Newcombe, Statistics in Medicine 1998, method 3), and n of n
// gives n / (n + z²).
func TestWilsonLowerBound(t *testing.T) {
	for _, c := range []struct {
		s, n int
		want float64
	}{{95, 100, 0.8882}, {0, 0, 0}, {73, 73, 73 / (73 + 3.841459)}, {72, 72, 72 / (72 + 3.841459)}, {0, 10, 0}} {
		if got := catalog.WilsonLowerBound(c.s, c.n); math.Abs(got-c.want) > 1e-4 {
			t.Errorf("WilsonLowerBound(%d, %d) = %.5f; want %.5f", c.s, c.n, got, c.want)
		}
	}
}

var t0 = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

// history builds n measured orders placed over the last weeks: each
// accepted an hour after placing, with ship_by a day later; late ones
// ship after ship_by; delivered ones carry cases as given.
type history struct {
	orders []catalog.MeasuredOrder
}

func (h *history) add(n int, f func(o *catalog.Order, cases *[]catalog.AfterSale)) {
	for range n {
		created := t0.Add(-time.Duration(len(h.orders)+1) * time.Hour)
		accepted, shipBy := created.Add(time.Hour), created.Add(25*time.Hour)
		o := catalog.Order{ID: fmt.Sprint(len(h.orders)), State: catalog.OrderCompleted, CreatedAt: created,
			AcceptedAt: &accepted, ShipBy: &shipBy, DeliveredAt: &shipBy,
			Shipments: []catalog.Shipment{{ShippedAt: created.Add(2 * time.Hour)}}}
		var cases []catalog.AfterSale
		if f != nil {
			f(&o, &cases)
		}
		h.orders = append(h.orders, catalog.MeasuredOrder{Order: o, AfterSale: cases})
	}
}

func late(o *catalog.Order, _ *[]catalog.AfterSale) {
	o.Shipments[0].ShippedAt = o.ShipBy.Add(time.Minute)
}

func rejected(o *catalog.Order, _ *[]catalog.AfterSale) {
	o.State, o.AcceptedAt, o.ShipBy, o.Shipments, o.DeliveredAt = catalog.OrderRejected, nil, nil, nil, nil
}

func notAsDescribed(_ *catalog.Order, cases *[]catalog.AfterSale) {
	*cases = append(*cases, catalog.AfterSale{State: catalog.ASRefunded, Category: catalog.CategoryNotAsDescribed})
}

func hasBadge(m catalog.Metrics, b string) bool { return slices.Contains(m.Badges, b) }

// Ensure each threshold of the published formulas, both ways and at its
// edge, on synthetic histories.
func TestComputeMetrics_Thresholds(t *testing.T) {
	t.Run("rates are null below 20 orders due", func(t *testing.T) {
		var h history
		h.add(19, nil)
		m := catalog.ComputeMetrics(h.orders, t0)
		if m.OrdersDue != 19 || m.OnTimeShipRate != nil || m.CancelRate != nil || m.MedianAcceptMinutes == nil {
			t.Fatalf("metrics = %+v", m)
		}
		h.add(1, nil)
		if m := catalog.ComputeMetrics(h.orders, t0); m.OnTimeShipRate == nil || *m.OnTimeShipRate != 1 {
			t.Fatalf("at 20 due the rate is %v", m.OnTimeShipRate)
		}
	})
	t.Run("as_described needs 30 deliveries: 29 no, 30 yes", func(t *testing.T) {
		var h history
		h.add(29, nil)
		if hasBadge(catalog.ComputeMetrics(h.orders, t0), catalog.BadgeAsDescribed) {
			t.Fatal("as_described at 29 deliveries")
		}
		h.add(1, nil)
		if !hasBadge(catalog.ComputeMetrics(h.orders, t0), catalog.BadgeAsDescribed) {
			t.Fatal("no as_described at 30 clean deliveries")
		}
	})
	t.Run("as_described allows 1 % of not-as-described, not more", func(t *testing.T) {
		var h history
		h.add(99, nil)
		h.add(1, notAsDescribed)
		if m := catalog.ComputeMetrics(h.orders, t0); !hasBadge(m, catalog.BadgeAsDescribed) {
			t.Fatalf("1 of 100 (exactly 1 %%) lost the badge: %v", *m.NotAsDescribedRate)
		}
		h.add(1, notAsDescribed)
		if hasBadge(catalog.ComputeMetrics(h.orders, t0), catalog.BadgeAsDescribed) {
			t.Fatal("2 of 101 kept as_described")
		}
	})
	t.Run("on_time: the Wilson bound crosses 0.95 between 72 and 73 on-time orders", func(t *testing.T) {
		var h history
		h.add(72, nil)
		if m := catalog.ComputeMetrics(h.orders, t0); hasBadge(m, catalog.BadgeOnTime) {
			t.Fatalf("on_time with a lower bound of %.5f", *m.OnTimeLowerBound)
		}
		h.add(1, nil)
		if m := catalog.ComputeMetrics(h.orders, t0); !hasBadge(m, catalog.BadgeOnTime) {
			t.Fatalf("no on_time with a lower bound of %.5f ≥ 0.95", *m.OnTimeLowerBound)
		}
		h.add(1, late)
		if m := catalog.ComputeMetrics(h.orders, t0); hasBadge(m, catalog.BadgeOnTime) {
			t.Fatalf("on_time kept after a late order (bound %.5f)", *m.OnTimeLowerBound)
		}
	})
	t.Run("on_time allows a 2.5 % cancel rate, not more", func(t *testing.T) {
		var h history
		h.add(78, nil)
		h.add(2, rejected) // 2 of 80 = 2.5 %
		if m := catalog.ComputeMetrics(h.orders, t0); !hasBadge(m, catalog.BadgeOnTime) {
			t.Fatalf("cancel rate %.4f lost on_time", *m.CancelRate)
		}
		h.add(1, rejected) // 3 of 81
		if hasBadge(catalog.ComputeMetrics(h.orders, t0), catalog.BadgeOnTime) {
			t.Fatal("on_time kept above 2.5 % cancelled")
		}
	})
	t.Run("orders leave the window after 90 days", func(t *testing.T) {
		var h history
		h.add(80, nil)
		if m := catalog.ComputeMetrics(h.orders, t0.Add(catalog.MetricsWindow)); m.Orders != 0 || len(m.Badges) != 0 {
			t.Fatalf("90 days later: %d orders, badges %v", m.Orders, m.Badges)
		}
	})
}

// Ensure badges come and go on a real store: measured from the orders,
// stored on the supplier, shown on its cards with the number of orders
// they were measured from.
func TestService_RemeasureSupplier_BadgesComeAndGo(t *testing.T) {
	s := newShop(t, nil)
	placeAccepted := func(n int, shipLate bool) {
		for range n {
			o := s.mustOrder(1)
			s.svc.AcceptOrder(bg, s.sup, o.ID)
			at := s.now
			if shipLate {
				s.now = s.now.Add(catalog.DefaultHandlingTime + time.Hour)
			}
			s.svc.AddShipment(bg, s.sup, o.ID, catalog.ShipmentInput{Carrier: "SF", TrackingNumber: o.ID})
			s.now = at.Add(time.Minute)
		}
	}
	placeAccepted(73, false)
	m, err := s.svc.RemeasureSupplier(bg, s.sup.ID)
	if err != nil || !hasBadge(m, catalog.BadgeOnTime) {
		t.Fatalf("after 73 on-time orders: %+v, %v", m.Badges, err)
	}
	card, _ := s.svc.Card(bg, nil, s.card.ID)
	if !slices.Contains(card.Supplier.Badges, catalog.BadgeOnTime) || card.Supplier.MeasuredOrders != 73 {
		t.Fatalf("the card's supplier shows %+v", card.Supplier)
	}
	placeAccepted(2, true)
	if m, _ := s.svc.RemeasureSupplier(bg, s.sup.ID); hasBadge(m, catalog.BadgeOnTime) {
		t.Fatalf("on_time kept after late orders (bound %.4f)", *m.OnTimeLowerBound)
	}
	if card, _ := s.svc.Card(bg, nil, s.card.ID); slices.Contains(card.Supplier.Badges, catalog.BadgeOnTime) {
		t.Fatal("the card still shows on_time")
	}
	if err := s.svc.SetVerified(bg, "factory", true); err != nil {
		t.Fatal(err)
	}
	if card, _ := s.svc.Card(bg, nil, s.card.ID); !slices.Contains(card.Supplier.Badges, catalog.BadgeVerified) {
		t.Fatal("verified is not shown")
	}
}

// Ensure late_refund: an accepted order not shipped by ship_by gets a
// refund after-sale opened and approved by the server, once, with events
// to both parties; an order shipped in time gets none.
func TestService_LateRefund(t *testing.T) {
	s := newShop(t, nil)
	g := []string{catalog.GuaranteeShip24h, catalog.GuaranteeLateRefund}
	if _, err := s.svc.UpdateProfile(bg, s.sup, catalog.ProfileInput{Guarantees: &g}); err != nil {
		t.Fatal(err)
	}
	bad := []string{"ship_24h", "ship_48h"}
	_, err := s.svc.UpdateProfile(bg, s.sup, catalog.ProfileInput{Guarantees: &bad})
	wantCode(t, err, catalog.Invalid)
	late, onTime := s.mustOrder(2), s.mustOrder(1)
	for _, o := range []catalog.OrderView{late, onTime} {
		got, _ := s.svc.AcceptOrder(bg, s.sup, o.ID)
		if !got.ShipBy.Equal(s.now.Add(24 * time.Hour)) {
			t.Fatalf("ship_by = %v under ship_24h", got.ShipBy)
		}
	}
	s.svc.AddShipment(bg, s.sup, onTime.ID, catalog.ShipmentInput{Carrier: "SF", TrackingNumber: "1"})
	info, _ := s.db.Log(bg)
	s.now = s.now.Add(24 * time.Hour)
	for range 2 { // twice: the refund is opened once
		ids, _ := s.db.DueOrders(bg, s.now, 10)
		for _, id := range ids {
			if err := s.svc.AdvanceOrder(bg, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases, _, _ := s.svc.ListAfterSales(bg, s.dist, "", "", 10)
	if len(cases) != 1 || cases[0].OrderID != late.ID || cases[0].State != string(catalog.ASApproved) ||
		cases[0].Kind != string(catalog.KindRefund) || cases[0].Amount != late.Total || cases[0].Reason != catalog.ReasonLateRefund {
		t.Fatalf("after-sales = %+v; want one approved late refund of %d", cases, late.Total)
	}
	changes, _ := s.db.LogChanges(bg, info.Last, 20)
	if !hasKind(changes, catalog.AfterSaleUpdatedChange) || !hasKind(changes, catalog.OrderUpdatedChange) {
		t.Fatal("the late refund recorded no events")
	}
}

// Ensure levels earned by purchases: a completed order that crosses a
// rule raises the follower at once (follow.changed), the level falls when
// the spend leaves the window, never below the level set by hand.
func TestService_LevelsEarnedByPurchases(t *testing.T) {
	s := newShop(t, nil)
	rules := []catalog.LevelRule{{Level: "gold", MinSpend90d: 3000}}
	if _, err := s.svc.UpdateProfile(bg, s.sup, catalog.ProfileInput{LevelRules: &rules}); err != nil {
		t.Fatal(err)
	}
	badRules := []catalog.LevelRule{{Level: "platinum", MinSpend90d: 1}}
	_, err := s.svc.UpdateProfile(bg, s.sup, catalog.ProfileInput{LevelRules: &badRules})
	wantCode(t, err, catalog.Invalid)
	complete := func(qty int) {
		o := s.mustOrder(qty)
		s.svc.AcceptOrder(bg, s.sup, o.ID)
		s.svc.AddShipment(bg, s.sup, o.ID, catalog.ShipmentInput{Carrier: "SF", TrackingNumber: o.ID})
		s.svc.ReceiveOrder(bg, s.dist, o.ID)
		s.now = s.now.Add(8 * 24 * time.Hour)
		ids, _ := s.db.DueOrders(bg, s.now, 10)
		for _, id := range ids {
			if err := s.svc.AdvanceOrder(bg, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	level := func() string {
		f, _ := s.db.Follow(bg, s.sup.ID, s.dist.ID)
		return f.Level
	}
	complete(2) // 2000 fen
	if level() != "standard" {
		t.Fatalf("level after 2000 fen = %s", level())
	}
	info, _ := s.db.Log(bg)
	complete(1) // 3000 in all
	if level() != "gold" {
		t.Fatalf("level after 3000 fen = %s; want gold at once", level())
	}
	changes, _ := s.db.LogChanges(bg, info.Last, 50)
	if !hasKind(changes, catalog.FollowChanged) {
		t.Fatal("earning gold recorded no follow.changed")
	}
	if c, _ := s.svc.Card(bg, &s.dist, s.card.ID); c.Prices == nil {
		t.Fatal("the follower lost its prices")
	}
	s.now = s.now.Add(catalog.SpendWindow)
	if err := s.svc.ReassessLevel(bg, s.sup.ID, s.dist.ID); err != nil {
		t.Fatal(err)
	}
	if level() != "standard" {
		t.Fatalf("90 days later the level is %s; want standard", level())
	}
	gold := "gold"
	s.svc.UpdateFollower(bg, s.sup, s.dist.ID, catalog.FollowerInput{Level: &gold})
	s.svc.ReassessLevel(bg, s.sup.ID, s.dist.ID)
	if level() != "gold" {
		t.Fatalf("a level set by hand fell to %s", level())
	}
}
