// Package storage implements every store of the catalog and feed packages
// on bbolt (Open: one file, one process) or PostgreSQL (OpenPostgres: one
// database, several nodes), through one ordered key-value interface with
// bbolt's semantics (kv.go, pg.go): ACID transactions, one writer at a time
// and many readers. Values are copied out of transactions before they end. Each
// use case is one unit of work (unit.go); its changes go to the change log
// in the same transaction, and tailers of the log (feed.Tailer) hand them
// on after commit, off the write path.
package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// The stores the domain packages declare, all implemented by *DB.
var (
	_ catalog.AccountStore = (*DB)(nil)
	_ catalog.SessionStore = (*DB)(nil)
	_ catalog.ImageStore   = (*DB)(nil)
	_ catalog.CardStore    = (*DB)(nil)
	_ catalog.FollowStore  = (*DB)(nil)
	_ feed.Store           = (*DB)(nil)
	_ feed.ChangeLog       = (*DB)(nil)
	_ feed.CursorStore     = (*DB)(nil)
)

// lockTimeout bounds the wait for bbolt's exclusive file lock, so a second
// process on the same file fails with a clear error instead of hanging.
const lockTimeout = 2 * time.Second

// DB is the database behind every store, on either engine.
type DB struct {
	kv kvEngine
	// bolt is the bbolt file for the bbolt-only maintenance (Check,
	// Backup); nil on PostgreSQL.
	bolt *bolt.DB
	// pgURL is the PostgreSQL database's URL, for the connections of its
	// own that the change listener and leases hold; "" on bbolt.
	pgURL string
	// stopListener stops the PostgreSQL change listener; nil on bbolt.
	stopListener func()
	logID        string

	// sealer encrypts consignees; nil until UseSecretKey.
	sealer *sealer

	// changed is closed and replaced by each commit that appends to the
	// change log, waking the tailers (Changed).
	changedMu sync.Mutex
	changed   chan struct{}

	// now is the clock for change and pruning times; tests replace it.
	now func() time.Time
	// budget, when set, replaces the scan budgets of feed reads and
	// replays, so that tests and benchmarks can force a pure scan, a pure
	// merge or a switch at any point (hybrid.go).
	budget func(sources int) uint64
}

// Open opens (creating if needed) the database file at path, creates the
// buckets and loads the change log's ID, creating it on first use.
func Open(path string) (*DB, error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("storage: %s is locked by another process (is weigong already running?)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: opening %s: %w", path, err)
	}
	db := newDB((*boltEngine)(b))
	db.bolt = b
	if err := db.kv.update(context.Background(), db.init); err != nil {
		b.Close()
		return nil, fmt.Errorf("storage: initialising %s: %w", path, err)
	}
	if err := db.buildSearchIndex(); err != nil {
		b.Close()
		return nil, fmt.Errorf("storage: %s: %w", path, err)
	}
	return db, nil
}

// newDB is a DB over engine, before init.
func newDB(engine kvEngine) *DB {
	return &DB{kv: engine, now: func() time.Time { return time.Now().UTC() }, changed: make(chan struct{})}
}

// init creates any missing bucket and the log ID.
func (db *DB) init(tx kvTx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bMeta)
	if id := meta.Get(keyLogID); id != nil {
		db.logID = string(id)
		return nil
	}
	var raw [8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return err
	}
	db.logID = hex.EncodeToString(raw[:])
	return meta.Put(keyLogID, []byte(db.logID))
}

// SetClock replaces the clock that stamps changes (and so decides what
// the retention prunes). Call it before any write; tests use it to prove
// retention without waiting a month.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Close closes the database, waiting for open transactions to end.
func (db *DB) Close() error {
	if db.stopListener != nil {
		db.stopListener()
	}
	return db.kv.close()
}

// Check verifies the file's internal consistency (pages, freelist, keys).
// On PostgreSQL it returns errNotBolt.
func (db *DB) Check() error {
	if db.bolt == nil {
		return errNotBolt
	}
	return db.bolt.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			if len(errs) < 10 {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	})
}

// Backup writes a consistent copy of the whole database to w while writers
// carry on, and returns the number of bytes written.
// On PostgreSQL it returns errNotBolt: use pg_dump.
func (db *DB) Backup(w io.Writer) (int64, error) {
	if db.bolt == nil {
		return 0, errNotBolt
	}
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}
