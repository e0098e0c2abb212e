package storage

import (
	"context"
	"encoding/base64"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/share"
)

// Share buckets. They are created on first write, so databases made before
// shares existed open unchanged; reads treat a missing bucket as empty.
var (
	bShares            = []byte("shares")             // share ID → shareRecord
	bDistributorShares = []byte("distributor_shares") // distributor + created(8) + share ID → nil
)

var _ share.Store = (*DB)(nil)

// shareRecord is a share as stored.
type shareRecord struct {
	ID            string    `json:"id"`
	DistributorID string    `json:"distributor_id"`
	CardID        string    `json:"card_id"`
	SupplierID    string    `json:"supplier_id"`
	Text          string    `json:"text"`
	Price         int64     `json:"price"`
	CreatedAt     time.Time `json:"created_at"`
	Views         int64     `json:"views"`
	Orders        int64     `json:"orders,omitempty"`
	Sales         int64     `json:"sales,omitempty"`
	Watermark     bool      `json:"watermark,omitempty"`
}

func (r shareRecord) share() share.Share { return share.Share(r) }

// ShareRef returns what an order needs of a share.
func (t *tx) ShareRef(id string) (catalog.ShareRef, error) {
	r, err := getShare(t.tx, id)
	if err != nil {
		return catalog.ShareRef{}, err
	}
	return catalog.ShareRef{ID: r.ID, DistributorID: r.DistributorID, CardID: r.CardID, Price: r.Price}, nil
}

// AddShareSale adds an order's count and value to a share's figures.
func (t *tx) AddShareSale(id string, orders int, sales int64) error {
	r, err := getShare(t.tx, id)
	if err != nil {
		return err
	}
	r.Orders += int64(orders)
	r.Sales += sales
	return putJSON(t.tx.Bucket(bShares), []byte(id), r)
}

func getShare(tx kvTx, id string) (shareRecord, error) {
	var r shareRecord
	b := tx.Bucket(bShares)
	if b == nil || id == "" || len(id) > maxKeySize {
		return r, notFound("share")
	}
	found, err := getJSON(b, []byte(id), &r)
	if !found {
		return r, orNotFound(err, "share")
	}
	return r, err
}

// shareTx is share.Tx: catalog's Tx plus the shares.
type shareTx struct{ *tx }

// UpdateShares runs fn as one unit of work over every store and the shares.
func (db *DB) UpdateShares(ctx context.Context, fn func(tx share.Tx) error) error {
	return db.Update(ctx, func(t catalog.Tx) error { return fn(shareTx{t.(*tx)}) })
}

// ViewShares runs fn in a read-only transaction over every store and the
// shares.
func (db *DB) ViewShares(ctx context.Context, fn func(tx share.Tx) error) error {
	return db.View(ctx, func(t catalog.Tx) error { return fn(shareTx{t.(*tx)}) })
}

// CreateShare stores a new share in a unit of work of its own (the share
// service creates shares inside its own); tests use it.
func (db *DB) CreateShare(ctx context.Context, s share.Share) error {
	return db.UpdateShares(ctx, func(tx share.Tx) error { return tx.CreateShare(s) })
}

// CreateShare stores a new share and indexes it under its distributor.
func (t shareTx) CreateShare(s share.Share) error {
	dist, ok := parseID(s.DistributorID)
	if !ok {
		return notFound("distributor")
	}
	shares, index, err := shareBuckets(t.tx.tx)
	if err != nil {
		return err
	}
	if shares.Get([]byte(s.ID)) != nil {
		return catalog.Errorf(catalog.Conflict, "share already exists")
	}
	if err := putJSON(shares, []byte(s.ID), shareRecord(s)); err != nil {
		return err
	}
	return index.Put(join(dist[:], nanos(s.CreatedAt), []byte(s.ID)), nil)
}

func shareBuckets(tx kvTx) (kvBucket, kvBucket, error) {
	shares, err := tx.CreateBucketIfNotExists(bShares)
	if err != nil {
		return nil, nil, err
	}
	index, err := tx.CreateBucketIfNotExists(bDistributorShares)
	return shares, index, err
}

// Share returns one share.
func (db *DB) Share(ctx context.Context, id string) (share.Share, error) {
	var r shareRecord
	err := db.view(ctx, func(tx kvTx) error {
		b := tx.Bucket(bShares)
		if b == nil {
			return notFound("share")
		}
		found, err := getJSON(b, []byte(id), &r)
		if !found {
			return orNotFound(err, "share")
		}
		return err
	})
	return r.share(), err
}

// DistributorShares pages a distributor's shares newest first. The cursor
// is the base64 of the last index key returned.
func (db *DB) DistributorShares(ctx context.Context, distributorID, before string, limit int) ([]share.Share, string, error) {
	dist, ok := parseID(distributorID)
	if !ok {
		return nil, "", nil
	}
	var start []byte
	if before != "" {
		k, err := base64.RawURLEncoding.DecodeString(before)
		if err != nil || len(k) <= idLen+8 || string(k[:idLen]) != string(dist[:]) {
			return nil, "", errBadCursor
		}
		start = k
	}
	var out []share.Share
	next := ""
	err := db.view(ctx, func(tx kvTx) error {
		index, shares := tx.Bucket(bDistributorShares), tx.Bucket(bShares)
		if index == nil || shares == nil {
			return nil
		}
		c := index.Cursor()
		k := seekBefore(c, dist[:], start)
		for ; k != nil && len(k) > idLen && string(k[:idLen]) == string(dist[:]); k, _ = c.Prev() {
			if len(out) == limit {
				next = base64.RawURLEncoding.EncodeToString(clone(lastKey(out, dist[:])))
				return nil
			}
			var r shareRecord
			if _, err := getJSON(shares, k[idLen+8:], &r); err != nil {
				return err
			}
			out = append(out, r.share())
		}
		return nil
	})
	return out, next, err
}

// seekBefore positions c on the last key with prefix that sorts before
// start (or the prefix's last key when start is nil).
func seekBefore(c kvCursor, prefix, start []byte) []byte {
	if start == nil {
		upper := append(append([]byte(nil), prefix...), 0xff)
		k, _ := c.Seek(upper)
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		return k
	}
	k, _ := c.Seek(start)
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	return k
}

func lastKey(out []share.Share, dist []byte) []byte {
	last := out[len(out)-1]
	return join(dist, nanos(last.CreatedAt), []byte(last.ID))
}

// DeleteShare removes a share and its index entry; its link stops working.
func (db *DB) DeleteShare(ctx context.Context, id string) error {
	return db.update(ctx, func(tx kvTx) error {
		shares, index, err := shareBuckets(tx)
		if err != nil {
			return err
		}
		var r shareRecord
		found, err := getJSON(shares, []byte(id), &r)
		if !found {
			return orNotFound(err, "share")
		}
		dist, _ := parseID(r.DistributorID)
		if err := index.Delete(join(dist[:], nanos(r.CreatedAt), []byte(r.ID))); err != nil {
			return err
		}
		return shares.Delete([]byte(id))
	})
}

// AddViews adds a batch of counted views in one transaction; shares deleted
// meanwhile are skipped.
func (db *DB) AddViews(ctx context.Context, views map[string]int64) error {
	return db.update(ctx, func(tx kvTx) error {
		shares, _, err := shareBuckets(tx)
		if err != nil {
			return err
		}
		for id, n := range views {
			var r shareRecord
			found, err := getJSON(shares, []byte(id), &r)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			r.Views += n
			if err := putJSON(shares, []byte(id), r); err != nil {
				return err
			}
		}
		return nil
	})
}
