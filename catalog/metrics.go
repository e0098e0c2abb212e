package catalog

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// The measured-trust rules (API.md part 2, "Guarantees, measured trust").
const (
	// MetricsWindow is how far back a supplier's orders are measured.
	MetricsWindow = 90 * 24 * time.Hour
	// MinOrdersForRates: rates are null below this many orders due.
	MinOrdersForRates = 20
	// MinOrdersForBadge: an earned badge needs at least this many orders
	// due (on_time) or deliveries (as_described).
	MinOrdersForBadge = 30
	// OnTimeBadgeBound is what the Wilson lower bound of the on-time rate
	// must reach for on_time.
	OnTimeBadgeBound = 0.95
	// OnTimeMaxCancelRate is the highest cancel rate on_time allows.
	OnTimeMaxCancelRate = 0.025
	// AsDescribedMaxRate is the highest share of deliveries with a quality
	// or not-as-described after-sale that as_described allows.
	AsDescribedMaxRate = 0.01
	// wilsonZ is the 97.5th percentile of the standard normal: a two-sided
	// 95 % interval (Wilson, "Probable inference, the law of succession,
	// and statistical inference", JASA 1927).
	wilsonZ = 1.959963984540054
)

// The earned badges, and the operator's.
const (
	BadgeOnTime      = "on_time"
	BadgeAsDescribed = "as_described"
	BadgeVerified    = "verified"
)

// The after-sale categories that count against as_described.
const (
	CategoryQuality        = "quality"
	CategoryNotAsDescribed = "not_as_described"
)

// Metrics are a supplier's measured figures over its own orders placed in
// the last 90 days, and the badges they earn (wire.Metrics). Rates are nil
// (JSON null) below MinOrdersForRates orders due.
type Metrics = wire.Metrics

// MeasuredOrder is what the metrics need of one order and its cases.
type MeasuredOrder struct {
	Order     Order
	AfterSale []AfterSale
}

// ComputeMetrics measures a supplier from its orders placed in the window
// ending at now. The formulas, published so anyone can check a badge:
//
//   - an order is due once it was accepted and either shipped or its
//     ship_by passed (an order cancelled by agreement before its ship_by
//     without a shipment is not due); it was on time when its first
//     shipment left at or before ship_by;
//   - cancel rate: orders the supplier did not take (rejected, or left
//     unanswered until the server cancelled them) over all orders;
//   - after-sale rate: delivered orders with an after-sale (not withdrawn)
//     over delivered orders; not-as-described rate likewise, counting only
//     quality and not_as_described cases;
//   - median accept time, in minutes, over accepted orders;
//   - on_time: at least 30 orders due, the Wilson lower bound (95 %) of
//     the on-time rate at least 0.95, and a cancel rate at most 2.5 %;
//   - as_described: at least 30 deliveries and a not-as-described rate at
//     most 1 %.
func ComputeMetrics(orders []MeasuredOrder, now time.Time) Metrics {
	m := Metrics{WindowDays: int(MetricsWindow / (24 * time.Hour)), ComputedAt: now, Badges: []string{}}
	var notTaken, withCase, badCase int
	var accept []float64
	for _, mo := range orders {
		o := mo.Order
		if o.CreatedAt.Before(now.Add(-MetricsWindow)) || o.CreatedAt.After(now) {
			continue
		}
		m.Orders++
		if o.State == OrderRejected || o.State == OrderCancelled && o.Reason == ReasonSupplierTimeout {
			notTaken++
		}
		if o.AcceptedAt != nil {
			accept = append(accept, o.AcceptedAt.Sub(o.CreatedAt).Minutes())
		}
		if due, onTime := shippingDue(o, now); due {
			m.OrdersDue++
			if onTime {
				m.OnTime++
			}
		}
		if o.DeliveredAt == nil {
			continue
		}
		m.Deliveries++
		has, bad := false, false
		for _, c := range mo.AfterSale {
			if c.State == ASWithdrawn {
				continue
			}
			has = true
			bad = bad || c.Category == CategoryQuality || c.Category == CategoryNotAsDescribed
		}
		if has {
			withCase++
		}
		if bad {
			badCase++
		}
	}
	if len(accept) > 0 {
		slices.Sort(accept)
		med := accept[len(accept)/2]
		if len(accept)%2 == 0 {
			med = (accept[len(accept)/2-1] + accept[len(accept)/2]) / 2
		}
		m.MedianAcceptMinutes = &med
	}
	if m.OrdersDue < MinOrdersForRates {
		return m
	}
	onTime, lower := ratio(m.OnTime, m.OrdersDue), WilsonLowerBound(m.OnTime, m.OrdersDue)
	cancel := ratio(notTaken, m.Orders)
	m.OnTimeShipRate, m.OnTimeLowerBound, m.CancelRate = &onTime, &lower, &cancel
	if m.Deliveries > 0 {
		as, nad := ratio(withCase, m.Deliveries), ratio(badCase, m.Deliveries)
		m.AftersaleRate, m.NotAsDescribedRate = &as, &nad
	}
	if m.OrdersDue >= MinOrdersForBadge && lower >= OnTimeBadgeBound && cancel <= OnTimeMaxCancelRate {
		m.Badges = append(m.Badges, BadgeOnTime)
	}
	if m.Deliveries >= MinOrdersForBadge && ratio(badCase, m.Deliveries) <= AsDescribedMaxRate {
		m.Badges = append(m.Badges, BadgeAsDescribed)
	}
	return m
}

// shippingDue says whether an order counts as due and, if so, whether its
// first shipment was on time.
func shippingDue(o Order, now time.Time) (due, onTime bool) {
	if o.AcceptedAt == nil || o.ShipBy == nil {
		return false, false
	}
	first := time.Time{}
	for _, s := range o.Shipments {
		if first.IsZero() || s.ShippedAt.Before(first) {
			first = s.ShippedAt
		}
	}
	if !first.IsZero() {
		return true, !first.After(*o.ShipBy)
	}
	if o.State == OrderCancelled && o.EndedAt != nil && !o.EndedAt.After(*o.ShipBy) {
		return false, false
	}
	return !now.Before(*o.ShipBy), false
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// WilsonLowerBound is the lower end of the Wilson score interval (95 %,
// two-sided) for successes out of n: a cautious estimate of the true rate
// that small samples cannot inflate. It is 0 for n = 0.
func WilsonLowerBound(successes, n int) float64 {
	if n == 0 {
		return 0
	}
	p, fn, z2 := float64(successes)/float64(n), float64(n), wilsonZ*wilsonZ
	centre := p + z2/(2*fn)
	margin := wilsonZ * math.Sqrt(p*(1-p)/fn+z2/(4*fn*fn))
	return (centre - margin) / (1 + z2/fn)
}

// RemeasureSupplier recomputes a supplier's metrics from its orders in the
// window, stores them, and moves its earned badges when they changed, in
// one unit of work. The sweep runs it for suppliers whose orders changed
// (and hourly for all with orders in the window, as orders age out).
func (s *Service) RemeasureSupplier(ctx context.Context, supplierID string) (Metrics, error) {
	return update(ctx, s, "", func(tx Tx) (Metrics, error) {
		now := s.Now()
		orders, err := tx.SupplierOrdersSince(supplierID, now.Add(-MetricsWindow))
		if err != nil {
			return Metrics{}, err
		}
		m := ComputeMetrics(orders, now)
		if err := tx.SaveMetrics(supplierID, m); err != nil {
			return Metrics{}, err
		}
		a, err := tx.Account(supplierID)
		if err != nil {
			return Metrics{}, err
		}
		if !slices.Equal(a.EarnedBadges, m.Badges) || a.BadgeOrders != m.OrdersDue {
			a.EarnedBadges, a.BadgeOrders = m.Badges, m.OrdersDue
			if err := tx.UpdateAccount(a); err != nil {
				return Metrics{}, err
			}
		}
		return m, nil
	})
}

// SupplierMetrics returns a supplier's figures (GET
// /v1/suppliers/{id}/metrics, public): as last measured, or measured now
// if they never were.
func (s *Service) SupplierMetrics(ctx context.Context, idOrHandle string) (Metrics, error) {
	supplier, err := s.Supplier(ctx, idOrHandle)
	if err != nil {
		return Metrics{}, err
	}
	var m Metrics
	var found bool
	err = s.Units.View(ctx, func(tx Tx) error {
		var err error
		m, found, err = tx.Metrics(supplier.ID)
		return err
	})
	if err != nil || found {
		return m, err
	}
	return s.RemeasureSupplier(ctx, supplier.ID)
}

// SetVerified grants or withdraws the operator's verified badge.
func (s *Service) SetVerified(ctx context.Context, handle string, verified bool) error {
	_, err := update(ctx, s, "", func(tx Tx) (struct{}, error) {
		a, err := tx.AccountByHandle(handle)
		if err != nil {
			return struct{}{}, err
		}
		if !a.IsSupplier() {
			return struct{}{}, Errorf(Invalid, "%s is not a supplier", handle)
		}
		a.Badges = slices.DeleteFunc(slices.Clone(a.Badges), func(b string) bool { return b == BadgeVerified })
		if verified {
			a.Badges = append(a.Badges, BadgeVerified)
		}
		return struct{}{}, tx.UpdateAccount(a)
	})
	return err
}
