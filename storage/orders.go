package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Order buckets.
var (
	bOrders        = []byte("orders")         // order ID → orderRecord (consignee sealed)
	bAccountOrders = []byte("account_orders") // account + order ID → state: both parties' lists
	bOutOrders     = []byte("out_orders")     // distributor + out_order_id → order ID
	bOrderDue      = []byte("order_due")      // due(8) + order ID → nil: the sweep's agenda

	bAfterSales        = []byte("aftersales")         // after-sale ID → afterSaleRecord
	bAccountAfterSales = []byte("account_aftersales") // account + after-sale ID → state
	bOrderAfterSales   = []byte("order_aftersales")   // order ID + after-sale ID → nil
	bAfterSaleDue      = []byte("aftersale_due")      // due(8) + after-sale ID → nil
)

var _ catalog.OrderStore = (*DB)(nil)

// orderRecord is an order as stored. The consignee is sealed with the
// database's secret key (seal.go), bound to the order's ID; Masked keeps
// the masked form in clear for lists and events, so they never need the
// key, and is all that remains once the consignee is erased.
type orderRecord struct {
	SupplierID      string              `json:"supplier_id"`
	DistributorID   string              `json:"distributor_id"`
	Lines           []catalog.OrderLine `json:"lines"`
	Total           int64               `json:"total"`
	Sealed          []byte              `json:"consignee_sealed,omitempty"`
	Masked          catalog.Consignee   `json:"consignee_masked"`
	Erased          bool                `json:"consignee_erased,omitempty"`
	Note            string              `json:"note,omitempty"`
	ShareID         string              `json:"share_id,omitempty"`
	OutOrderID      string              `json:"out_order_id,omitempty"`
	State           catalog.OrderState  `json:"state"`
	CancelRequested bool                `json:"cancel_requested,omitempty"`
	LateRefunded    bool                `json:"late_refunded,omitempty"`
	Reason          string              `json:"reason,omitempty"`
	Payment         string              `json:"payment"`
	Guarantees      []string            `json:"guarantees,omitempty"`
	AcceptedAt      *time.Time          `json:"accepted_at,omitempty"`
	ShipBy          *time.Time          `json:"ship_by,omitempty"`
	Shipments       []catalog.Shipment  `json:"shipments,omitempty"`
	DeliveredAt     *time.Time          `json:"delivered_at,omitempty"`
	EndedAt         *time.Time          `json:"ended_at,omitempty"`
	CreatedAt       time.Time           `json:"created_at"`
	UpdatedAt       time.Time           `json:"updated_at"`
	Version         int64               `json:"version"`
}

func (db *DB) encodeOrder(o catalog.Order) (orderRecord, error) {
	r := orderRecord{SupplierID: o.SupplierID, DistributorID: o.DistributorID, Lines: o.Lines, Total: o.Total,
		Masked: o.Consignee.Masked(), Erased: o.ConsigneeErased, Note: o.Note, ShareID: o.ShareID,
		OutOrderID: o.OutOrderID, State: o.State, CancelRequested: o.CancelRequested, LateRefunded: o.LateRefunded, Reason: o.Reason,
		Payment: o.Payment, Guarantees: o.Guarantees, AcceptedAt: o.AcceptedAt, ShipBy: o.ShipBy,
		Shipments: o.Shipments, DeliveredAt: o.DeliveredAt, EndedAt: o.EndedAt, CreatedAt: o.CreatedAt,
		UpdatedAt: o.UpdatedAt, Version: o.Version}
	if o.ConsigneeErased {
		r.Masked = o.Consignee // already masked by the erasure
		return r, nil
	}
	if o.ConsigneeMasked {
		return r, fmt.Errorf("storage: order %s holds only its masked consignee and cannot be saved", o.ID)
	}
	if db.sealer == nil {
		return r, errNoSecretKey
	}
	plain, err := json.Marshal(o.Consignee)
	if err != nil {
		return r, err
	}
	r.Sealed, err = db.sealer.seal(plain, []byte(o.ID))
	return r, err
}

// orderFromRecordMasked is an order with its masked consignee: all that
// lists and events need, and no key.
func orderFromRecordMasked(id string, r orderRecord) catalog.Order {
	return catalog.Order{ID: id, SupplierID: r.SupplierID, DistributorID: r.DistributorID, Lines: r.Lines,
		Total: r.Total, Consignee: r.Masked, ConsigneeErased: r.Erased, ConsigneeMasked: true, Note: r.Note, ShareID: r.ShareID,
		OutOrderID: r.OutOrderID, State: r.State, CancelRequested: r.CancelRequested, LateRefunded: r.LateRefunded, Reason: r.Reason,
		Payment: r.Payment, Guarantees: r.Guarantees, AcceptedAt: r.AcceptedAt, ShipBy: r.ShipBy,
		Shipments: r.Shipments, DeliveredAt: r.DeliveredAt, EndedAt: r.EndedAt, CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt, Version: r.Version}
}

// decodeOrder turns a record back into an order. With whole, the
// consignee is decrypted; without, it is the masked form (lists need no
// key).
func (db *DB) decodeOrder(id string, r orderRecord, whole bool) (catalog.Order, error) {
	o := orderFromRecordMasked(id, r)
	if !whole || r.Erased {
		return o, nil
	}
	if db.sealer == nil {
		return o, errNoSecretKey
	}
	plain, err := db.sealer.open(r.Sealed, []byte(id))
	if err != nil {
		return o, fmt.Errorf("storage: opening the consignee of order %s: %w", id, err)
	}
	o.ConsigneeMasked = false
	return o, json.Unmarshal(plain, &o.Consignee)
}

func getOrderRecord(tx kvTx, key []byte) (orderRecord, bool, error) {
	var r orderRecord
	b := tx.Bucket(bOrders)
	if b == nil {
		return r, false, nil
	}
	found, err := getJSON(b, key, &r)
	return r, found, err
}

func (t *tx) Order(id string) (catalog.Order, error) {
	key, ok := parseID(id)
	if !ok {
		return catalog.Order{}, notFound("order")
	}
	r, found, err := getOrderRecord(t.tx, key[:])
	if !found || err != nil {
		return catalog.Order{}, orNotFound(err, "order")
	}
	return t.db.decodeOrder(id, r, true)
}

// SaveOrder writes an order with its indexes and, unless kind is "",
// appends a change for both parties.
func (t *tx) SaveOrder(o catalog.Order, kind catalog.ChangeKind) (catalog.Change, error) {
	key, ok := parseID(o.ID)
	sup, ok1 := parseID(o.SupplierID)
	dist, ok2 := parseID(o.DistributorID)
	if !ok || !ok1 || !ok2 {
		return catalog.Change{}, fmt.Errorf("storage: order %q has malformed IDs", o.ID)
	}
	buckets, err := createBuckets(t.tx, bOrders, bAccountOrders, bOutOrders, bOrderDue)
	if err != nil {
		return catalog.Change{}, err
	}
	old, found, err := getOrderRecord(t.tx, key[:])
	if err != nil {
		return catalog.Change{}, err
	}
	if found {
		prev, _ := t.db.decodeOrder(o.ID, old, false)
		if err := buckets[3].Delete(dueKey(prev.Due(), key[:])); err != nil {
			return catalog.Change{}, err
		}
	} else if o.OutOrderID != "" {
		if err := buckets[2].Put(join(dist[:], []byte(o.OutOrderID)), key[:]); err != nil {
			return catalog.Change{}, err
		}
	}
	r, err := t.db.encodeOrder(o)
	if err != nil {
		return catalog.Change{}, err
	}
	if err := putJSON(buckets[0], key[:], r); err != nil {
		return catalog.Change{}, err
	}
	for _, party := range [][]byte{sup[:], dist[:]} {
		if err := buckets[1].Put(join(party, key[:]), []byte(o.State)); err != nil {
			return catalog.Change{}, err
		}
	}
	if due := o.Due(); !due.IsZero() {
		if err := buckets[3].Put(dueKey(due, key[:]), nil); err != nil {
			return catalog.Change{}, err
		}
	}
	if err := markDirty(t.tx, sup[:]); err != nil {
		return catalog.Change{}, err
	}
	if kind == "" {
		return catalog.Change{}, nil
	}
	return t.appendAccountChange(changeRecord{kind: kind, supplier: sup, subject: key, party: dist})
}

// appendAccountChange appends a change addressed to accounts and returns
// it as its tailers will read it.
func (t *tx) appendAccountChange(r changeRecord) (catalog.Change, error) {
	r.at = t.db.now()
	seq, err := appendChange(t.tx, r)
	if err != nil {
		return catalog.Change{}, err
	}
	t.appended = true
	changes, err := resolve(t.tx, []logEntry{{seq: seq, rec: r}})
	if err != nil || len(changes) != 1 {
		return catalog.Change{}, err
	}
	return changes[0], nil
}

func (t *tx) FollowRequested(f catalog.Follow) (catalog.Change, error) {
	sup, ok1 := parseID(f.SupplierID)
	dist, ok2 := parseID(f.DistributorID)
	if !ok1 || !ok2 {
		return catalog.Change{}, notFound("follow")
	}
	return t.appendAccountChange(changeRecord{kind: catalog.FollowRequested, supplier: sup, subject: dist})
}

func (t *tx) OrderByOutID(distributorID, outOrderID string) (string, bool, error) {
	dist, ok := parseID(distributorID)
	b := t.tx.Bucket(bOutOrders)
	if !ok || b == nil {
		return "", false, nil
	}
	v := b.Get(join(dist[:], []byte(outOrderID)))
	if v == nil {
		return "", false, nil
	}
	return formatID(v), true, nil
}

// dueKey orders the sweep's agenda by due time.
func dueKey(due time.Time, key []byte) []byte { return join(nanos(due), key) }

// createBuckets returns the named buckets, creating any that databases
// made before orders existed lack.
func createBuckets(tx kvTx, names ...[]byte) ([]kvBucket, error) {
	out := make([]kvBucket, len(names))
	for i, name := range names {
		b, err := tx.CreateBucketIfNotExists(name)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// AccountOrders lists an account's orders newest first, consignees
// masked, in one state or all; the cursor is the last order's ID.
func (db *DB) AccountOrders(ctx context.Context, accountID string, state catalog.OrderState, before string, limit int) ([]catalog.Order, string, error) {
	var out []catalog.Order
	next, err := db.pageAccount(ctx, bAccountOrders, accountID, string(state), before, limit, func(tx kvTx, id []byte) error {
		r, found, err := getOrderRecord(tx, id)
		if !found || err != nil {
			return orNotFound(err, "order")
		}
		o, err := db.decodeOrder(formatID(id), r, false)
		out = append(out, o)
		return err
	})
	return out, next, err
}

// pageAccount walks an account's index (account + ID → state) newest
// first from before, keeping entries in state ("" for any), and calls load
// for up to limit of them. It returns the next page's cursor.
func (db *DB) pageAccount(ctx context.Context, index []byte, accountID, state, before string, limit int, load func(tx kvTx, id []byte) error) (string, error) {
	acct, ok := parseID(accountID)
	if !ok {
		return "", nil
	}
	var start []byte
	if before != "" {
		b, ok := parseID(before)
		if !ok {
			return "", errBadCursor
		}
		start = join(acct[:], b[:])
	}
	next := ""
	err := db.view(ctx, func(tx kvTx) error {
		b := tx.Bucket(index)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		n := 0
		var last []byte
		for k := seekBefore(c, acct[:], start); k != nil && bytes.HasPrefix(k, acct[:]); k, _ = c.Prev() {
			if state != "" && string(b.Get(k)) != state {
				continue
			}
			if n == limit {
				// More remain: the cursor names the last item returned.
				next = formatID(last)
				return nil
			}
			if err := load(tx, k[idLen:]); err != nil {
				return err
			}
			last, n = clone(k[idLen:]), n+1
		}
		return nil
	})
	return next, err
}

// DueOrders returns the IDs of orders due at or before now, soonest first.
func (db *DB) DueOrders(ctx context.Context, now time.Time, limit int) ([]string, error) {
	return db.due(ctx, bOrderDue, now, limit)
}

// DueAfterSales returns the IDs of after-sale cases due at or before now.
func (db *DB) DueAfterSales(ctx context.Context, now time.Time, limit int) ([]string, error) {
	return db.due(ctx, bAfterSaleDue, now, limit)
}

func (db *DB) due(ctx context.Context, index []byte, now time.Time, limit int) ([]string, error) {
	var ids []string
	err := db.view(ctx, func(tx kvTx) error {
		b := tx.Bucket(index)
		if b == nil {
			return nil
		}
		limitKey := nanos(now)
		c := b.Cursor()
		for k, _ := c.First(); k != nil && len(ids) < limit && bytes.Compare(k[:8], limitKey) <= 0; k, _ = c.Next() {
			ids = append(ids, formatID(k[8:]))
		}
		return nil
	})
	return ids, err
}

// CompletedSpend sums the totals of the distributor's orders with the
// supplier that were completed (ended in the completed state) at or after
// since. It walks the distributor's own order list.
func (t *tx) CompletedSpend(supplierID, distributorID string, since time.Time) (int64, error) {
	dist, ok := parseID(distributorID)
	b := t.tx.Bucket(bAccountOrders)
	if !ok || b == nil {
		return 0, nil
	}
	var total int64
	c := b.Cursor()
	for k, v := c.Seek(dist[:]); k != nil && bytes.HasPrefix(k, dist[:]); k, v = c.Next() {
		if string(v) != string(catalog.OrderCompleted) {
			continue
		}
		r, found, err := getOrderRecord(t.tx, k[idLen:])
		if err != nil || !found {
			return 0, orNotFound(err, "order")
		}
		if r.SupplierID == supplierID && r.EndedAt != nil && !r.EndedAt.Before(since) {
			total += r.Total
		}
	}
	return total, nil
}

// EarnedLevelFollows lists the (supplier, distributor) pairs whose follow
// holds an earned level, for the sweep to reassess.
func (db *DB) EarnedLevelFollows(ctx context.Context) ([][2]string, error) {
	var out [][2]string
	err := db.view(ctx, func(tx kvTx) error {
		b := tx.Bucket(bEarnedLevels)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			out = append(out, [2]string{formatID(k[:idLen]), formatID(k[idLen:])})
			return nil
		})
	})
	return out, err
}
