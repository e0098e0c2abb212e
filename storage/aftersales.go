package storage

import (
	"bytes"
	"context"
	"fmt"

	"github.com/weigong/weigong/catalog"
)

// afterSaleRecord is an after-sale case as stored (JSON of the domain
// type: it holds no personal data beyond the distributor's own words).
type afterSaleRecord = catalog.AfterSale

func getAfterSale(tx kvTx, key []byte) (catalog.AfterSale, error) {
	var a afterSaleRecord
	b := tx.Bucket(bAfterSales)
	if b == nil {
		return a, notFound("after-sale")
	}
	found, err := getJSON(b, key, &a)
	if !found {
		return a, orNotFound(err, "after-sale")
	}
	a.ID = formatID(key)
	return a, err
}

func (t *tx) AfterSale(id string) (catalog.AfterSale, error) {
	key, ok := parseID(id)
	if !ok {
		return catalog.AfterSale{}, notFound("after-sale")
	}
	return getAfterSale(t.tx, key[:])
}

// SaveAfterSale writes a case with its indexes and appends a change of
// kind for both parties.
func (t *tx) SaveAfterSale(a catalog.AfterSale, kind catalog.ChangeKind) (catalog.Change, error) {
	key, ok := parseID(a.ID)
	order, ok0 := parseID(a.OrderID)
	sup, ok1 := parseID(a.SupplierID)
	dist, ok2 := parseID(a.DistributorID)
	if !ok || !ok0 || !ok1 || !ok2 {
		return catalog.Change{}, fmt.Errorf("storage: after-sale %q has malformed IDs", a.ID)
	}
	buckets, err := createBuckets(t.tx, bAfterSales, bAccountAfterSales, bOrderAfterSales, bAfterSaleDue)
	if err != nil {
		return catalog.Change{}, err
	}
	if old, err := getAfterSale(t.tx, key[:]); err == nil {
		if err := buckets[3].Delete(dueKey(old.Due(), key[:])); err != nil {
			return catalog.Change{}, err
		}
	} else if catalog.ErrorCode(err) != catalog.NotFound {
		return catalog.Change{}, err
	}
	if err := putJSON(buckets[0], key[:], afterSaleRecord(a)); err != nil {
		return catalog.Change{}, err
	}
	for _, party := range [][]byte{sup[:], dist[:]} {
		if err := buckets[1].Put(join(party, key[:]), []byte(a.State)); err != nil {
			return catalog.Change{}, err
		}
	}
	if err := buckets[2].Put(join(order[:], key[:]), nil); err != nil {
		return catalog.Change{}, err
	}
	if due := a.Due(); !due.IsZero() {
		if err := buckets[3].Put(dueKey(due, key[:]), nil); err != nil {
			return catalog.Change{}, err
		}
	}
	if err := markDirty(t.tx, sup[:]); err != nil {
		return catalog.Change{}, err
	}
	return t.appendAccountChange(changeRecord{kind: kind, supplier: sup, subject: key, party: dist})
}

func (t *tx) OrderAfterSales(orderID string) ([]catalog.AfterSale, error) {
	order, ok := parseID(orderID)
	b := t.tx.Bucket(bOrderAfterSales)
	if !ok || b == nil {
		return nil, nil
	}
	var out []catalog.AfterSale
	c := b.Cursor()
	for k, _ := c.Seek(order[:]); k != nil && bytes.HasPrefix(k, order[:]); k, _ = c.Next() {
		a, err := getAfterSale(t.tx, k[idLen:])
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// AccountAfterSales lists an account's cases newest first, in one state
// or all; the cursor is the last case's ID.
func (db *DB) AccountAfterSales(ctx context.Context, accountID string, state catalog.AfterSaleState, before string, limit int) ([]catalog.AfterSale, string, error) {
	var out []catalog.AfterSale
	next, err := db.pageAccount(ctx, bAccountAfterSales, accountID, string(state), before, limit, func(tx kvTx, id []byte) error {
		a, err := getAfterSale(tx, id)
		out = append(out, a)
		return err
	})
	return out, next, err
}
