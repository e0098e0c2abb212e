package storage

import (
	"bytes"
	"context"
	"fmt"

	"github.com/weigong/weigong/catalog"
)

var _ catalog.UnitOfWork = (*DB)(nil)

// Update runs fn as one unit of work in a bbolt write transaction: every
// write fn makes through tx, and every change it appends to the log,
// commits together (fsynced) or not at all. After a commit that appended
// changes it wakes the log's tailers; it never waits for them.
func (db *DB) Update(ctx context.Context, fn func(tx catalog.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t := &tx{db: db}
	err := db.kv.update(ctx, func(btx kvTx) error {
		t.tx, t.appended = btx, false
		return fn(t)
	})
	t.tx = nil
	if err == nil && t.appended {
		db.notify()
	}
	return err
}

// View runs fn in a read-only bbolt transaction: one consistent snapshot.
func (db *DB) View(ctx context.Context, fn func(tx catalog.Tx) error) error {
	return db.view(ctx, func(btx kvTx) error {
		t := &tx{db: db, tx: btx}
		defer func() { t.tx = nil }()
		return fn(t)
	})
}

// tx is catalog.Tx over one bbolt transaction. Writes through a read-only
// transaction fail with bbolt's ErrTxNotWritable.
type tx struct {
	db *DB
	tx kvTx
	// appended records that the transaction added to the change log, so
	// that its commit wakes the tailers.
	appended bool
}

func (t *tx) Account(id string) (catalog.Account, error) {
	key, ok := parseID(id)
	if !ok {
		return catalog.Account{}, notFound("account")
	}
	return getAccount(t.tx, key[:])
}

func (t *tx) AccountByHandle(handle string) (catalog.Account, error) {
	if handle == "" || len(handle) > maxKeySize {
		return catalog.Account{}, notFound("account")
	}
	key := t.tx.Bucket(bHandles).Get([]byte(handle))
	if key == nil {
		return catalog.Account{}, notFound("account")
	}
	return getAccount(t.tx, key)
}

func (t *tx) CreateAccount(a catalog.Account) error {
	key, ok := parseID(a.ID)
	if !ok {
		return fmt.Errorf("storage: account ID %q is not a UUID", a.ID)
	}
	if t.tx.Bucket(bAccounts).Get(key[:]) != nil {
		return catalog.Errorf(catalog.Conflict, "account already exists")
	}
	return putAccount(t.tx, key[:], a, "")
}

func (t *tx) UpdateAccount(a catalog.Account) error {
	key, ok := parseID(a.ID)
	if !ok {
		return notFound("account")
	}
	old, err := getAccount(t.tx, key[:])
	if err != nil {
		return err
	}
	return putAccount(t.tx, key[:], a, old.Handle)
}

func (t *tx) CreateSession(s catalog.Session) error { return createSession(t.tx, s) }

func (t *tx) Image(id string) (catalog.Image, error) {
	key, ok := parseID(id)
	if !ok {
		return catalog.Image{}, notFound("image")
	}
	return getImage(t.tx, key[:])
}

func (t *tx) CreateImage(img catalog.Image) error { return createImage(t.tx, img) }

func (t *tx) Card(id string) (catalog.Card, error) {
	key, ok := parseID(id)
	if !ok {
		return catalog.Card{}, notFound("card")
	}
	return getCard(t.tx, key[:])
}

func (t *tx) SaveCard(c catalog.Card, kind catalog.ChangeKind) (catalog.Change, error) {
	if kind == catalog.CardWithdrawn {
		c.Withdrawn = true
	}
	ch, err := t.db.saveCard(t.tx, c, kind)
	t.appended = t.appended || err == nil
	return ch, err
}

func (t *tx) SupplierCards(supplierID string) ([]catalog.Card, error) {
	sup, ok := parseID(supplierID)
	if !ok {
		return nil, nil
	}
	var cards []catalog.Card
	c := t.tx.Bucket(bSupplierCards).Cursor()
	for k, _ := c.Seek(sup[:]); bytes.HasPrefix(k, sup[:]); k, _ = c.Next() {
		card, err := getCard(t.tx, k[idLen:])
		if err != nil {
			return nil, err
		}
		cards = append(cards, card)
	}
	return cards, nil
}

func (t *tx) Follow(supplierID, distributorID string) (catalog.Follow, error) {
	sup, ok1 := parseID(supplierID)
	dist, ok2 := parseID(distributorID)
	if !ok1 || !ok2 {
		return catalog.Follow{}, notFound("follow")
	}
	r, found, err := getFollow(t.tx, sup[:], dist[:])
	if !found {
		return catalog.Follow{}, orNotFound(err, "follow")
	}
	return r.follow(sup[:], dist[:]), err
}

func (t *tx) SaveFollow(f catalog.Follow) (catalog.Change, error) {
	ch, err := t.db.saveFollow(t.tx, f)
	t.appended = t.appended || err == nil
	return ch, err
}

func (t *tx) SupplierFollows(supplierID string) ([]catalog.Follow, error) {
	sup, ok := parseID(supplierID)
	if !ok {
		return nil, nil
	}
	var follows []catalog.Follow
	c := t.tx.Bucket(bFollows).Cursor()
	for k, v := c.Seek(sup[:]); bytes.HasPrefix(k, sup[:]); k, v = c.Next() {
		r, err := decodeFollow(v)
		if err != nil {
			return nil, err
		}
		follows = append(follows, r.follow(sup[:], k[idLen:]))
	}
	return follows, nil
}

func (t *tx) IdempotencyRecord(accountID, key string) (catalog.IdempotencyRecord, bool, error) {
	return getIdempotencyRecord(t.tx, accountID, key)
}

func (t *tx) SaveIdempotencyRecord(accountID, key string, r catalog.IdempotencyRecord) error {
	return putIdempotencyRecord(t.tx, accountID, key, r)
}
