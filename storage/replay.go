package storage

import (
	"context"

	"github.com/weigong/weigong/catalog"
)

// Changes returns, oldest first, up to limit changes with Seq > after that
// concern the distributor: card changes of the given suppliers and the
// distributor's own follow changes. Card changes carry the card and its
// supplier as they are now, so a replay never shows a stale price.
func (db *DB) Changes(ctx context.Context, distributorID string, supplierIDs []string, after uint64, limit int) ([]catalog.Change, error) {
	dist, ok := parseID(distributorID)
	if !ok {
		return nil, notFound("distributor")
	}
	if limit <= 0 {
		return nil, nil
	}
	src := sources{distributor: dist, suppliers: newSupplierSet(supplierIDs)}
	var changes []catalog.Change
	err := db.view(ctx, func(tx kvTx) error {
		last := tx.Bucket(bChanges).Sequence()
		if after >= last {
			return nil
		}
		entries, err := db.readLog(tx, src, after, limit)
		if err != nil {
			return err
		}
		changes, err = resolve(tx, entries)
		return err
	})
	return changes, err
}

// sources are the parts of the log one distributor reads.
type sources struct {
	distributor [idLen]byte
	suppliers   *supplierSet
}

// logEntry is one change read from the log, before its card and supplier
// are loaded.
type logEntry struct {
	seq uint64
	rec changeRecord
}

// resolve turns log entries into changes, loading each card and supplier
// once however many of the entries mention it.
func resolve(tx kvTx, entries []logEntry) ([]catalog.Change, error) {
	cards := map[[idLen]byte]catalog.Card{}
	publishers := map[[idLen]byte]*catalog.Publisher{}
	out := make([]catalog.Change, 0, len(entries))
	for _, e := range entries {
		r := e.rec
		ch := catalog.Change{Seq: e.seq, Kind: r.kind, SupplierID: formatID(r.supplier[:]), At: r.at}
		if r.kind.AddressedToAccounts() {
			if err := resolveAccountChange(tx, &ch, r); err != nil {
				return nil, err
			}
			out = append(out, ch)
			continue
		}
		if r.kind == catalog.FollowChanged {
			ch.Follow = &catalog.Follow{SupplierID: ch.SupplierID, DistributorID: formatID(r.subject[:]),
				State: r.state, Level: r.level, Since: r.since}
			out = append(out, ch)
			continue
		}
		card, err := cached(cards, r.subject, func(k []byte) (catalog.Card, error) { return getCard(tx, k) })
		if catalog.ErrorCode(err) == catalog.NotFound {
			// The card was withdrawn and purged since: all anyone may
			// learn of it now is that it is gone.
			ch.Kind, ch.Card = catalog.CardWithdrawn, &catalog.Card{ID: formatID(r.subject[:]), SupplierID: ch.SupplierID, Withdrawn: true}
			out = append(out, ch)
			continue
		}
		if err != nil {
			return nil, err
		}
		supplier, err := cached(publishers, r.supplier, func(k []byte) (*catalog.Publisher, error) {
			a, err := getAccount(tx, k)
			return a.Publisher(), err
		})
		if err != nil {
			return nil, err
		}
		ch.Card, ch.Supplier = &card, supplier
		out = append(out, ch)
	}
	return out, nil
}

// cached returns m[key], loading and remembering it on first use.
func cached[T any](m map[[idLen]byte]T, key [idLen]byte, load func([]byte) (T, error)) (T, error) {
	if v, ok := m[key]; ok {
		return v, nil
	}
	v, err := load(key[:])
	if err == nil {
		m[key] = v
	}
	return v, err
}

// resolveAccountChange loads what a change addressed to accounts carries:
// the order (consignee masked) with its parties, the after-sale case, or
// the distributor asking to follow. What was purged since resolves to
// nothing more than the IDs.
func resolveAccountChange(tx kvTx, ch *catalog.Change, r changeRecord) error {
	if r.party != noParty {
		ch.DistributorID = formatID(r.party[:])
	}
	switch r.kind {
	case catalog.FollowRequested:
		d, err := getAccount(tx, r.subject[:])
		if err != nil {
			return err
		}
		view := d.PublicView(true)
		ch.Requester = &view
		ch.Follow = &catalog.Follow{SupplierID: ch.SupplierID, DistributorID: d.ID, State: catalog.StatePending}
		if fr, found, err := getFollow(tx, r.supplier[:], r.subject[:]); err == nil && found {
			ch.Follow.State = catalog.FollowState(fr.State)
		}
		return nil
	case catalog.AfterSaleUpdatedChange:
		a, err := getAfterSale(tx, r.subject[:])
		if err != nil {
			return err
		}
		view := catalog.ViewAfterSale(a)
		ch.AfterSale = &view
		return nil
	}
	rec, found, err := getOrderRecord(tx, r.subject[:])
	if err != nil || !found {
		return orNotFound(err, "order")
	}
	o := orderFromRecordMasked(formatID(r.subject[:]), rec)
	sup, err := getAccount(tx, r.supplier[:])
	if err != nil {
		return err
	}
	dist, err := getAccount(tx, r.party[:])
	if err != nil {
		return err
	}
	view := catalog.ViewOrder(o, sup.PartyRef(), dist.PartyRef(), false)
	ch.Order = &view
	return nil
}
