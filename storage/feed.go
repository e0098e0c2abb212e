package storage

import (
	"bytes"
	"context"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// FeedPage reads one page of the distributor's feed in one read
// transaction (feed.Store): the suppliers it actively follows, up to limit
// of their live cards below before, and the follow and account of each
// supplier on the page. Only the state of the other follows is read, and
// the page's cards, follows and accounts are three batched lookups
// (getAll), so on PostgreSQL a page costs a handful of round trips.
func (db *DB) FeedPage(ctx context.Context, distributorID, before string, limit int) (feed.Page, error) {
	dist, ok := parseID(distributorID)
	if !ok {
		return feed.Page{}, nil // no one follows anything under this ID
	}
	bound, boundErr := cardBound(before)
	var page feed.Page
	err := db.view(ctx, func(tx kvTx) error {
		suppliers, err := activeSuppliers(tx, dist[:])
		if err != nil || suppliers.len() == 0 || limit <= 0 {
			return err
		}
		if boundErr != nil {
			return boundErr
		}
		if page.Cards, err = loadCards(tx, db.readTimeline(tx, suppliers, bound, limit)); err != nil {
			return err
		}
		page.Follows, page.Suppliers, err = pageSuppliers(tx, dist[:], page.Cards)
		return err
	})
	return page, err
}

// pageSuppliers reads, for each supplier of cards, dist's follow of it and
// what its cards show of it.
func pageSuppliers(tx kvTx, dist []byte, cards []catalog.Card) (map[string]catalog.Follow, map[string]*catalog.Publisher, error) {
	var sups, followKeys [][]byte
	seen := make(map[string]bool, len(cards))
	for _, c := range cards {
		if !seen[c.SupplierID] {
			seen[c.SupplierID] = true
			sup, _ := parseID(c.SupplierID)
			sups, followKeys = append(sups, sup[:]), append(followKeys, join(dist, sup[:]))
		}
	}
	followRaws, accountRaws := getAll(tx.Bucket(bFollowing), followKeys), getAll(tx.Bucket(bAccounts), sups)
	follows := make(map[string]catalog.Follow, len(sups))
	publishers := make(map[string]*catalog.Publisher, len(sups))
	for i, sup := range sups {
		r, err := followingRecord(tx, sup, dist, followRaws[i])
		if err != nil {
			return nil, nil, err
		}
		if accountRaws[i] == nil {
			return nil, nil, notFound("account")
		}
		f := r.follow(sup, dist)
		a, err := decodeAccount(f.SupplierID, accountRaws[i])
		if err != nil {
			return nil, nil, err
		}
		follows[f.SupplierID], publishers[f.SupplierID] = f, a.Publisher()
	}
	return follows, publishers, nil
}

// SupplierCards lists a supplier's live cards, newest first, strictly older
// than the card ID before ("" = from the newest).
func (db *DB) SupplierCards(ctx context.Context, supplierID, before string, limit int) ([]catalog.Card, error) {
	sup, ok := parseID(supplierID)
	if !ok {
		return nil, notFound("supplier")
	}
	bound, err := cardBound(before)
	if err != nil || limit <= 0 {
		return nil, err
	}
	return db.newestCards(ctx, oneSupplier(sup), bound, limit)
}

// newestCards reads the live cards of the given suppliers below bound,
// newest first, and loads them, in one read transaction.
func (db *DB) newestCards(ctx context.Context, suppliers *supplierSet, bound []byte, limit int) ([]catalog.Card, error) {
	var cards []catalog.Card
	err := db.view(ctx, func(tx kvTx) error {
		var err error
		cards, err = loadCards(tx, db.readTimeline(tx, suppliers, bound, limit))
		return err
	})
	return cards, err
}

// loadCards reads the cards with the given keys, in order, in one batched
// lookup (getAll).
func loadCards(tx kvTx, keys [][]byte) ([]catalog.Card, error) {
	cards := make([]catalog.Card, 0, len(keys))
	for i, raw := range getAll(tx.Bucket(bCards), keys) {
		if raw == nil {
			return nil, notFound("card")
		}
		c, err := decodeCard(formatID(keys[i]), raw)
		if err != nil {
			return nil, err
		}
		cards = append(cards, c)
	}
	return cards, nil
}

// getAll returns the values at keys, nil where there is none: in one query
// on an engine that batches lookups (kvSeeker: PostgreSQL, where each Get
// is a round trip), one Get each on others (bbolt, where a Get is a memory
// lookup). Values are valid until the transaction ends.
func getAll(b kvBucket, keys [][]byte) [][]byte {
	out := make([][]byte, len(keys))
	s, ok := b.(kvSeeker)
	if !ok {
		for i, k := range keys {
			out[i] = b.Get(k)
		}
		return out
	}
	for i, row := range s.seekAll(keys) {
		if bytes.Equal(row.key, keys[i]) {
			out[i] = row.value
		}
	}
	return out
}

// cardBound turns a "before" card ID into the key to page below; "" means
// from the newest. A cursor that is not a card ID is Invalid.
func cardBound(before string) ([]byte, error) {
	if before == "" {
		return maxID, nil
	}
	key, ok := parseID(before)
	if !ok {
		return nil, errBadCursor
	}
	return key[:], nil
}
