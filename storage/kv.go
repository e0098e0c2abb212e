package storage

import (
	"context"
	"errors"

	bolt "go.etcd.io/bbolt"
)

// The store code of this package runs on a small ordered key-value engine
// with bbolt's semantics, so that one body of code serves both bbolt (one
// file, one process) and PostgreSQL (one database, many nodes; pg.go):
//
//   - a transaction sees one consistent snapshot plus its own writes;
//   - write transactions run one at a time (on PostgreSQL across the whole
//     cluster), so every read-check-write of the store code holds;
//   - buckets are flat, keys are ordered bytewise, each bucket has a
//     sequence that rolls back with a failed transaction.
//
// The bbolt adapter is a set of named pointer types over bbolt's own, so
// boxing them in these interfaces allocates nothing.

// kvEngine runs transactions. update commits when fn returns nil and rolls
// back otherwise; view runs fn in a read-only snapshot.
type kvEngine interface {
	update(ctx context.Context, fn func(tx kvTx) error) error
	view(ctx context.Context, fn func(tx kvTx) error) error
	close() error
}

// kvTx is one transaction.
type kvTx interface {
	// Bucket returns the named bucket, or nil if it does not exist.
	Bucket(name []byte) kvBucket
	CreateBucketIfNotExists(name []byte) (kvBucket, error)
	// DeleteBucket removes a bucket and its keys; errBucketNotFound if it
	// does not exist.
	DeleteBucket(name []byte) error
	Writable() bool
}

// kvBucket is a flat, ordered map of byte keys to byte values. Slices it
// returns are valid only until the transaction ends.
type kvBucket interface {
	// Get returns the value at key, nil if there is none (a key stored
	// with an empty value returns a non-nil empty slice; but bbolt answers
	// nil for a key put with a nil value in the same transaction, so the
	// store code never relies on either within one).
	Get(key []byte) []byte
	Put(key, value []byte) error
	Delete(key []byte) error
	Cursor() kvCursor
	ForEach(fn func(k, v []byte) error) error
	Sequence() uint64
	SetSequence(v uint64) error
	NextSequence() (uint64, error)
}

// kvCursor walks a bucket in key order. Each move returns the key and value
// it lands on, or nil, nil past either end.
type kvCursor interface {
	First() (key, value []byte)
	Last() (key, value []byte)
	// Seek moves to the first key >= seek.
	Seek(seek []byte) (key, value []byte)
	Next() (key, value []byte)
	Prev() (key, value []byte)
	// Delete removes the key the cursor is on.
	Delete() error
}

// kvSeeker is a bucket that answers many Seeks in one go: for each seek
// key, a copy of the first key at or after it and its value (nil, nil past
// the end). PostgreSQL implements it to save round trips; bbolt's Seek is
// a memory lookup and does not need it.
type kvSeeker interface {
	seekAll(seeks [][]byte) []kvRow
}

// maxKeySize bounds every key the store code looks up from user input
// (handles, share IDs): bbolt's limit. Keys stored from user input are
// bounded far lower by the catalog's own validation.
const maxKeySize = bolt.MaxKeySize

// errBucketNotFound is DeleteBucket's answer for a missing bucket.
var errBucketNotFound = bolt.ErrBucketNotFound

// errTxNotWritable is the answer to a write in a read-only transaction.
var errTxNotWritable = bolt.ErrTxNotWritable

// errNotBolt answers the bbolt-only maintenance (Check, Backup) on another
// engine.
var errNotBolt = errors.New("storage: this operation works on a bbolt file only; on PostgreSQL use pg_dump and PostgreSQL's own checks")

// boltEngine is kvEngine over one bbolt file.
type boltEngine bolt.DB

func (e *boltEngine) update(_ context.Context, fn func(tx kvTx) error) error {
	return (*bolt.DB)(e).Update(func(tx *bolt.Tx) error { return fn((*boltTx)(tx)) })
}

func (e *boltEngine) view(_ context.Context, fn func(tx kvTx) error) error {
	return (*bolt.DB)(e).View(func(tx *bolt.Tx) error { return fn((*boltTx)(tx)) })
}

func (e *boltEngine) close() error { return (*bolt.DB)(e).Close() }

type (
	boltTx     bolt.Tx
	boltBucket bolt.Bucket
	boltCursor bolt.Cursor
)

// Bucket returns a nil interface, not a nil *boltBucket in a non-nil
// interface, for a missing bucket, so that callers' nil checks hold.
func (t *boltTx) Bucket(name []byte) kvBucket {
	b := (*bolt.Tx)(t).Bucket(name)
	if b == nil {
		return nil
	}
	return (*boltBucket)(b)
}

func (t *boltTx) CreateBucketIfNotExists(name []byte) (kvBucket, error) {
	b, err := (*bolt.Tx)(t).CreateBucketIfNotExists(name)
	if err != nil {
		return nil, err
	}
	return (*boltBucket)(b), nil
}

func (t *boltTx) DeleteBucket(name []byte) error { return (*bolt.Tx)(t).DeleteBucket(name) }
func (t *boltTx) Writable() bool                 { return (*bolt.Tx)(t).Writable() }

func (b *boltBucket) Get(key []byte) []byte         { return (*bolt.Bucket)(b).Get(key) }
func (b *boltBucket) Put(key, value []byte) error   { return (*bolt.Bucket)(b).Put(key, value) }
func (b *boltBucket) Delete(key []byte) error       { return (*bolt.Bucket)(b).Delete(key) }
func (b *boltBucket) Cursor() kvCursor              { return (*boltCursor)((*bolt.Bucket)(b).Cursor()) }
func (b *boltBucket) Sequence() uint64              { return (*bolt.Bucket)(b).Sequence() }
func (b *boltBucket) SetSequence(v uint64) error    { return (*bolt.Bucket)(b).SetSequence(v) }
func (b *boltBucket) NextSequence() (uint64, error) { return (*bolt.Bucket)(b).NextSequence() }
func (b *boltBucket) ForEach(fn func(k, v []byte) error) error {
	return (*bolt.Bucket)(b).ForEach(fn)
}

func (c *boltCursor) First() ([]byte, []byte)        { return (*bolt.Cursor)(c).First() }
func (c *boltCursor) Last() ([]byte, []byte)         { return (*bolt.Cursor)(c).Last() }
func (c *boltCursor) Seek(k []byte) ([]byte, []byte) { return (*bolt.Cursor)(c).Seek(k) }
func (c *boltCursor) Next() ([]byte, []byte)         { return (*bolt.Cursor)(c).Next() }
func (c *boltCursor) Prev() ([]byte, []byte)         { return (*bolt.Cursor)(c).Prev() }
func (c *boltCursor) Delete() error                  { return (*bolt.Cursor)(c).Delete() }
