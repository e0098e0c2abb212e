package storage

import (
	"context"

	"github.com/weigong/weigong/catalog"
)

// FeedCards returns the live cards of the given suppliers, newest first by
// card ID, strictly older than the card ID before ("" = from the newest).
// Feeds are assembled on read from indexes kept per supplier and one
// global timeline (hybrid.go), never copied into per-distributor inboxes,
// so posting a card costs the same whatever the number of followers
// (docs/FEED.md). IDs that cannot be supplier IDs own no cards and are
// skipped.
func (db *DB) FeedCards(ctx context.Context, supplierIDs []string, before string, limit int) ([]catalog.Card, error) {
	bound, err := cardBound(before)
	if err != nil || limit <= 0 {
		return nil, err
	}
	return db.newestCards(ctx, newSupplierSet(supplierIDs), bound, limit)
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
		keys := db.readTimeline(tx, suppliers, bound, limit)
		cards = make([]catalog.Card, 0, len(keys))
		for _, k := range keys {
			c, err := getCard(tx, k)
			if err != nil {
				return err
			}
			cards = append(cards, c)
		}
		return nil
	})
	return cards, err
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
