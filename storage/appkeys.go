package storage

import (
	"bytes"
	"context"
	"time"

	"github.com/weigong/weigong/catalog"
)

var _ catalog.KeyStore = (*DB)(nil)

// appKeyRecord is an app key as stored under the hash of the key.
type appKeyRecord struct {
	ID         string          `json:"id"`
	AccountID  string          `json:"account_id"`
	Name       string          `json:"name"`
	Scopes     []catalog.Scope `json:"scopes"`
	CreatedAt  time.Time       `json:"created_at"`
	LastUsedAt *time.Time      `json:"last_used_at,omitempty"`
}

func (r appKeyRecord) key(hash string) catalog.AppKey {
	return catalog.AppKey{ID: r.ID, AccountID: r.AccountID, Name: r.Name, Scopes: r.Scopes, Hash: hash,
		CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}
}

// CreateAppKey stores a key and indexes it under its account.
func (db *DB) CreateAppKey(ctx context.Context, k catalog.AppKey) error {
	acc, ok1 := parseID(k.AccountID)
	id, ok2 := parseID(k.ID)
	if !ok1 || !ok2 || k.Hash == "" || len(k.Hash) > maxTokenHashLen {
		return catalog.Errorf(catalog.Invalid, "app key has no valid IDs or hash")
	}
	r := appKeyRecord{ID: k.ID, AccountID: k.AccountID, Name: k.Name, Scopes: k.Scopes, CreatedAt: k.CreatedAt}
	return db.update(ctx, func(tx kvTx) error {
		keys := tx.Bucket(bAppKeys)
		if keys.Get([]byte(k.Hash)) != nil {
			return catalog.Errorf(catalog.Conflict, "app key already exists")
		}
		if err := putJSON(keys, []byte(k.Hash), r); err != nil {
			return err
		}
		return tx.Bucket(bAccountAppKeys).Put(join(acc[:], id[:]), []byte(k.Hash))
	})
}

// AppKeys lists an account's keys, oldest first (IDs are UUIDv7).
func (db *DB) AppKeys(ctx context.Context, accountID string) ([]catalog.AppKey, error) {
	acc, ok := parseID(accountID)
	if !ok {
		return nil, nil
	}
	var out []catalog.AppKey
	err := db.view(ctx, func(tx kvTx) error {
		c := tx.Bucket(bAccountAppKeys).Cursor()
		for k, hash := c.Seek(acc[:]); bytes.HasPrefix(k, acc[:]); k, hash = c.Next() {
			key, err := getAppKey(tx, string(hash))
			if err != nil {
				return err
			}
			out = append(out, key)
		}
		return nil
	})
	return out, err
}

// AppKeyByHash returns the key with this hash, or NotFound.
func (db *DB) AppKeyByHash(ctx context.Context, hash string) (catalog.AppKey, error) {
	var k catalog.AppKey
	err := db.view(ctx, func(tx kvTx) error {
		var err error
		k, err = getAppKey(tx, hash)
		return err
	})
	return k, err
}

// DeleteAppKey deletes one of an account's keys.
func (db *DB) DeleteAppKey(ctx context.Context, accountID, id string) error {
	acc, ok1 := parseID(accountID)
	kid, ok2 := parseID(id)
	if !ok1 || !ok2 {
		return notFound("app key")
	}
	return db.update(ctx, func(tx kvTx) error {
		index := tx.Bucket(bAccountAppKeys)
		ik := join(acc[:], kid[:])
		hash := index.Get(ik)
		if hash == nil {
			return notFound("app key")
		}
		if err := tx.Bucket(bAppKeys).Delete(bytes.Clone(hash)); err != nil {
			return err
		}
		return index.Delete(ik)
	})
}

// TouchAppKey records when a key was last used.
func (db *DB) TouchAppKey(ctx context.Context, hash string, at time.Time) error {
	return db.update(ctx, func(tx kvTx) error {
		var r appKeyRecord
		found, err := getJSON(tx.Bucket(bAppKeys), []byte(hash), &r)
		if err != nil || !found {
			return orNotFound(err, "app key")
		}
		r.LastUsedAt = &at
		return putJSON(tx.Bucket(bAppKeys), []byte(hash), r)
	})
}

func getAppKey(tx kvTx, hash string) (catalog.AppKey, error) {
	if hash == "" || len(hash) > maxTokenHashLen {
		return catalog.AppKey{}, notFound("app key")
	}
	var r appKeyRecord
	if found, err := getJSON(tx.Bucket(bAppKeys), []byte(hash), &r); !found || err != nil {
		return catalog.AppKey{}, orNotFound(err, "app key")
	}
	return r.key(hash), nil
}
