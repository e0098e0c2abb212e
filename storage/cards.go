package storage

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/weigong/weigong/catalog"
)

// SaveCard writes a card, keeps the live-card indexes in step and appends
// a change of the given kind, all in one transaction; after commit
// it publishes the change with the card and its supplier as committed.
// A card.withdrawn change always leaves the card withdrawn.
func (db *DB) SaveCard(ctx context.Context, c catalog.Card, kind catalog.ChangeKind) (catalog.Change, error) {
	if kind == catalog.CardWithdrawn {
		c.Withdrawn = true
	}
	return db.writeChange(ctx, func(tx *bolt.Tx) (catalog.Change, error) {
		return db.saveCard(tx, c, kind)
	})
}

// saveCard is SaveCard inside a transaction.
func (db *DB) saveCard(tx *bolt.Tx, c catalog.Card, kind catalog.ChangeKind) (catalog.Change, error) {
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
	if err := checkCardWrite(tx, key[:], c, kind); err != nil {
		return catalog.Change{}, err
	}
	if err := putCard(tx, key[:], sup[:], c); err != nil {
		return catalog.Change{}, err
	}
	at := db.now()
	seq, err := appendChange(tx, changeRecord{kind: kind, supplier: sup, subject: key, at: at})
	if err != nil {
		return catalog.Change{}, err
	}
	return catalog.Change{Seq: seq, Kind: kind, SupplierID: c.SupplierID, At: at, Card: &c, Supplier: &supplier}, nil
}

// checkCardWrite enforces what the log's readers rely on: a card is
// published once, only an existing card is updated or withdrawn, and a card
// never moves to another supplier.
func checkCardWrite(tx *bolt.Tx, key []byte, c catalog.Card, kind catalog.ChangeKind) error {
	old, err := getCard(tx, key)
	found := err == nil
	switch {
	case err != nil && catalog.ErrorCode(err) != catalog.NotFound:
		return err
	case kind == catalog.CardPublished && found:
		return catalog.Errorf(catalog.Conflict, "card already exists")
	case kind == catalog.CardPublished:
		return nil
	case kind != catalog.CardUpdated && kind != catalog.CardWithdrawn:
		return fmt.Errorf("storage: %q is not a card change", kind)
	case !found:
		return notFound("card")
	case old.SupplierID != c.SupplierID:
		return fmt.Errorf("storage: card %s cannot move to another supplier", c.ID)
	}
	return nil
}

// putCard stores the card and adds it to, or removes it from, the two
// live-card indexes: withdrawn cards stay readable but leave feeds. The
// cost is the same whatever the number of followers.
func putCard(tx *bolt.Tx, key, supplier []byte, c catalog.Card) error {
	if err := tx.Bucket(bCards).Put(key, encodeCard(c)); err != nil {
		return err
	}
	bySupplier, timeline := tx.Bucket(bSupplierCards), tx.Bucket(bLiveCards)
	if c.Withdrawn {
		if err := timeline.Delete(key); err != nil {
			return err
		}
		return bySupplier.Delete(join(supplier, key))
	}
	if err := timeline.Put(key, supplier); err != nil {
		return err
	}
	return bySupplier.Put(join(supplier, key), nil)
}

// Card returns a card, withdrawn or not.
func (db *DB) Card(ctx context.Context, id string) (catalog.Card, error) {
	key, ok := parseID(id)
	if !ok {
		return catalog.Card{}, notFound("card")
	}
	var c catalog.Card
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		c, err = getCard(tx, key[:])
		return err
	})
	return c, err
}

func getCard(tx *bolt.Tx, key []byte) (catalog.Card, error) {
	raw := tx.Bucket(bCards).Get(key)
	if raw == nil {
		return catalog.Card{}, notFound("card")
	}
	return decodeCard(formatID(key), raw)
}
