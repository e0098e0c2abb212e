package storage

import (
	"bytes"
	"context"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Metrics buckets.
var (
	bSupplierMetrics = []byte("supplier_metrics") // supplier → catalog.Metrics (JSON)
	// bMetricsDirty marks suppliers whose orders changed since they were
	// last measured; the sweep measures them again.
	bMetricsDirty = []byte("metrics_dirty") // supplier → nil
)

// markDirty notes, inside an order's or after-sale's transaction, that
// the supplier's figures must be measured again.
func markDirty(tx kvTx, supplier []byte) error {
	b, err := tx.CreateBucketIfNotExists(bMetricsDirty)
	if err != nil {
		return err
	}
	return b.Put(supplier, nil)
}

func (t *tx) SupplierOrdersSince(supplierID string, since time.Time) ([]catalog.MeasuredOrder, error) {
	sup, ok := parseID(supplierID)
	b := t.tx.Bucket(bAccountOrders)
	if !ok || b == nil {
		return nil, nil
	}
	var out []catalog.MeasuredOrder
	c := b.Cursor()
	// Order IDs are UUIDv7, so a supplier's list is in time order: walk it
	// newest first and stop at the window's start.
	for k := seekBefore(c, sup[:], nil); k != nil && bytes.HasPrefix(k, sup[:]); k, _ = c.Prev() {
		r, found, err := getOrderRecord(t.tx, k[idLen:])
		if err != nil || !found {
			return nil, orNotFound(err, "order")
		}
		if r.SupplierID != supplierID {
			continue // an order this account placed, not received
		}
		if r.CreatedAt.Before(since) {
			break
		}
		o := orderFromRecordMasked(formatID(k[idLen:]), r)
		cases, err := t.OrderAfterSales(o.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, catalog.MeasuredOrder{Order: o, AfterSale: cases})
	}
	return out, nil
}

func (t *tx) Metrics(supplierID string) (catalog.Metrics, bool, error) {
	var m catalog.Metrics
	sup, ok := parseID(supplierID)
	b := t.tx.Bucket(bSupplierMetrics)
	if !ok || b == nil {
		return m, false, nil
	}
	found, err := getJSON(b, sup[:], &m)
	return m, found, err
}

func (t *tx) SaveMetrics(supplierID string, m catalog.Metrics) error {
	sup, ok := parseID(supplierID)
	if !ok {
		return notFound("supplier")
	}
	b, err := t.tx.CreateBucketIfNotExists(bSupplierMetrics)
	if err != nil {
		return err
	}
	if err := putJSON(b, sup[:], m); err != nil {
		return err
	}
	if dirty := t.tx.Bucket(bMetricsDirty); dirty != nil {
		return dirty.Delete(sup[:])
	}
	return nil
}

// SuppliersToMeasure returns the suppliers marked dirty and, with all,
// every supplier ever measured as well (the hourly pass, as orders age out
// of the window).
func (db *DB) SuppliersToMeasure(ctx context.Context, all bool) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	err := db.view(ctx, func(tx kvTx) error {
		buckets := [][]byte{bMetricsDirty}
		if all {
			buckets = append(buckets, bSupplierMetrics)
		}
		for _, name := range buckets {
			b := tx.Bucket(name)
			if b == nil {
				continue
			}
			if err := b.ForEach(func(k, _ []byte) error {
				if id := formatID(k); !seen[id] {
					seen[id] = true
					out = append(out, id)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
