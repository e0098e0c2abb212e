package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/weigong/weigong/catalog"
)

// SaveCard writes a card in a unit of work of its own (catalog's use
// cases call Tx.SaveCard inside theirs); tests and tools use it.
func (db *DB) SaveCard(ctx context.Context, c catalog.Card, kind catalog.ChangeKind) (catalog.Change, error) {
	var ch catalog.Change
	err := db.Update(ctx, func(tx catalog.Tx) error {
		var err error
		ch, err = tx.SaveCard(c, kind)
		return err
	})
	return ch, err
}

// saveCard writes a card, keeps the live-card indexes and the search index
// in step and appends a change of the given kind. The change carries the card as written and
// what a frame needs of its supplier, never the whole account.
func (db *DB) saveCard(tx kvTx, c catalog.Card, kind catalog.ChangeKind) (catalog.Change, error) {
	key, ok := parseID(c.ID)
	if !ok {
		return catalog.Change{}, fmt.Errorf("storage: card ID %q is not a UUID", c.ID)
	}
	sup, ok := parseID(c.SupplierID)
	if !ok {
		return catalog.Change{}, notFound("supplier")
	}
	supplier, err := getAccount(tx, sup[:])
	if catalog.ErrorCode(err) == catalog.NotFound {
		return catalog.Change{}, notFound("supplier")
	}
	if err != nil {
		return catalog.Change{}, err
	}
	old, err := checkCardWrite(tx, key[:], c, kind)
	if err != nil {
		return catalog.Change{}, err
	}
	at := db.now()
	seq, err := appendChange(tx, changeRecord{kind: kind, supplier: sup, subject: key, at: at})
	if err != nil {
		return catalog.Change{}, err
	}
	if kind == catalog.CardReleased {
		// Followers below the early level get the card from this change on
		// (catalog.Publisher.Delivers).
		c.ReleaseSeq = seq
	}
	if err := putCard(tx, key[:], sup[:], c); err != nil {
		return catalog.Change{}, err
	}
	if err := indexRelease(tx, key[:], old, c); err != nil {
		return catalog.Change{}, err
	}
	if err := reindexCard(tx, sup[:], key[:], cardTokens(old), catalog.SearchTokens(c)); err != nil {
		return catalog.Change{}, err
	}
	return catalog.Change{Seq: seq, Kind: kind, SupplierID: c.SupplierID, At: at, Card: &c, Supplier: supplier.Publisher()}, nil
}

// checkCardWrite enforces what the log's readers rely on: a card is
// published once, only an existing card is updated, released or withdrawn,
// and a card never moves to another supplier. It returns the card as it
// was (nil for a new one).
func checkCardWrite(tx kvTx, key []byte, c catalog.Card, kind catalog.ChangeKind) (*catalog.Card, error) {
	old, err := getCard(tx, key)
	found := err == nil
	switch {
	case err != nil && catalog.ErrorCode(err) != catalog.NotFound:
		return nil, err
	case kind == catalog.CardPublished && found:
		return nil, catalog.Errorf(catalog.Conflict, "card already exists")
	case kind == catalog.CardPublished:
		return nil, nil
	case kind != catalog.CardUpdated && kind != catalog.CardWithdrawn && kind != catalog.CardReleased:
		return nil, fmt.Errorf("storage: %q is not a card change", kind)
	case !found:
		return nil, notFound("card")
	case old.SupplierID != c.SupplierID:
		return nil, fmt.Errorf("storage: card %s cannot move to another supplier", c.ID)
	}
	return &old, nil
}

// indexRelease keeps a card in the releaser's agenda while it waits for
// its early-access window to end.
func indexRelease(tx kvTx, key []byte, old *catalog.Card, c catalog.Card) error {
	b, err := tx.CreateBucketIfNotExists(bCardRelease)
	if err != nil {
		return err
	}
	if old != nil && old.InEarlyAccess() {
		if err := b.Delete(dueKey(old.ReleaseAt, key)); err != nil {
			return err
		}
	}
	if c.InEarlyAccess() && !c.Withdrawn {
		return b.Put(dueKey(c.ReleaseAt, key), nil)
	}
	return nil
}

// DueReleases returns the IDs of early cards whose window ended at or
// before now, soonest first.
func (db *DB) DueReleases(ctx context.Context, now time.Time, limit int) ([]string, error) {
	return db.due(ctx, bCardRelease, now, limit)
}

// NextRelease returns when the next early-access window ends, if any.
func (db *DB) NextRelease(ctx context.Context) (time.Time, bool, error) {
	var next time.Time
	var found bool
	err := db.view(ctx, func(tx kvTx) error {
		if b := tx.Bucket(bCardRelease); b != nil {
			if k, _ := b.Cursor().First(); k != nil {
				next, found = fromNanos(k[:8]), true
			}
		}
		return nil
	})
	return next, found, err
}

// putCard stores the card and adds it to, or removes it from, the two
// live-card indexes: withdrawn cards stay readable but leave feeds. The
// cost is the same whatever the number of followers.
func putCard(tx kvTx, key, supplier []byte, c catalog.Card) error {
	if err := tx.Bucket(bCards).Put(key, encodeCard(c)); err != nil {
		return err
	}
	bySupplier, timeline := tx.Bucket(bSupplierCards), tx.Bucket(bLiveCards)
	if c.Withdrawn {
		if err := timeline.Delete(key); err != nil {
			return err
		}
		if err := tx.Bucket(bWithdrawnCards).Put(expiryKey(c.UpdatedAt, key), nil); err != nil {
			return err
		}
		return bySupplier.Delete(join(supplier, key))
	}
	if err := timeline.Put(key, supplier); err != nil {
		return err
	}
	return bySupplier.Put(join(supplier, key), nil)
}

// PurgeWithdrawnCards deletes the cards withdrawn before cutoff, so that a
// supplier who posts and withdraws for years does not grow the file
// without end. Their changes must be pruned first (the sweep prunes the
// log with the same cutoff, before this); a share of a purged card shows
// "no longer available", as for any withdrawn card. It returns how many
// it deleted.
func (db *DB) PurgeWithdrawnCards(ctx context.Context, cutoff time.Time) (int, error) {
	return db.sweep(ctx, bCards, bWithdrawnCards, cutoff)
}

// Card returns a card, withdrawn or not.
func (db *DB) Card(ctx context.Context, id string) (catalog.Card, error) {
	key, ok := parseID(id)
	if !ok {
		return catalog.Card{}, notFound("card")
	}
	var c catalog.Card
	err := db.view(ctx, func(tx kvTx) error {
		var err error
		c, err = getCard(tx, key[:])
		return err
	})
	return c, err
}

func getCard(tx kvTx, key []byte) (catalog.Card, error) {
	raw := tx.Bucket(bCards).Get(key)
	if raw == nil {
		return catalog.Card{}, notFound("card")
	}
	return decodeCard(formatID(key), raw)
}
