package storage

import (
	"bytes"
	"context"
	"fmt"

	"github.com/weigong/weigong/catalog"
)

// CreateAccount stores a new account in a unit of work of its own; a
// taken handle is a Conflict. Tests and tools use it.
func (db *DB) CreateAccount(ctx context.Context, a catalog.Account) error {
	return db.Update(ctx, func(tx catalog.Tx) error { return tx.CreateAccount(a) })
}

// UpdateAccount replaces an existing account, moving its handle if it
// changed, in a unit of work of its own. Tests and tools use it.
func (db *DB) UpdateAccount(ctx context.Context, a catalog.Account) error {
	return db.Update(ctx, func(tx catalog.Tx) error { return tx.UpdateAccount(a) })
}

// putAccount writes the account and claims its handle, releasing oldHandle.
func putAccount(tx kvTx, key []byte, a catalog.Account, oldHandle string) error {
	handles := tx.Bucket(bHandles)
	if a.Handle != oldHandle {
		if a.Handle == "" {
			return fmt.Errorf("storage: account %s has no handle", a.ID)
		}
		if owner := handles.Get([]byte(a.Handle)); owner != nil && !bytes.Equal(owner, key) {
			return catalog.Errorf(catalog.Conflict, "handle is taken")
		}
		if oldHandle != "" {
			if err := handles.Delete([]byte(oldHandle)); err != nil {
				return err
			}
		}
		if err := handles.Put([]byte(a.Handle), key); err != nil {
			return err
		}
	}
	return tx.Bucket(bAccounts).Put(key, encodeAccount(a))
}

// Account returns the account with the given ID.
func (db *DB) Account(ctx context.Context, id string) (catalog.Account, error) {
	key, ok := parseID(id)
	if !ok {
		return catalog.Account{}, notFound("account")
	}
	var a catalog.Account
	err := db.view(ctx, func(tx kvTx) error {
		var err error
		a, err = getAccount(tx, key[:])
		return err
	})
	return a, err
}

// AccountByHandle returns the account that owns handle.
func (db *DB) AccountByHandle(ctx context.Context, handle string) (catalog.Account, error) {
	var a catalog.Account
	err := db.View(ctx, func(tx catalog.Tx) error {
		var err error
		a, err = tx.AccountByHandle(handle)
		return err
	})
	return a, err
}

// getAccount loads an account inside tx.
func getAccount(tx kvTx, key []byte) (catalog.Account, error) {
	raw := tx.Bucket(bAccounts).Get(key)
	if raw == nil {
		return catalog.Account{}, notFound("account")
	}
	return decodeAccount(formatID(key), raw)
}

// orNotFound returns err, or NotFound for what when err is nil: the shape
// of every "record missing or unreadable" branch.
func orNotFound(err error, what string) error {
	if err != nil {
		return err
	}
	return notFound(what)
}
