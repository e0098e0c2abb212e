package storage

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgSchema holds the schema migrations: files NNNN_name.sql, applied in
// order, each once, forward only (a database is never migrated down).
//
//go:embed pgschema/*.sql
var pgSchema embed.FS

// pgRetry is how long the change listener and the lease wait between
// attempts after losing their connection.
const pgRetry = time.Second

// OpenPostgres opens the PostgreSQL database at url (postgres://…; pool
// settings such as pool_max_conns may ride on it), applies any schema
// migration this build has and the database lacks, and initialises the
// buckets and the log ID like Open. Several nodes may open one database
// at once: migration and initialisation run under a session advisory lock
// (pgOpenLock), one node after another. The DB it returns is the same
// type as Open's, with every store; Check and Backup are bbolt-only.
func OpenPostgres(ctx context.Context, url string) (*DB, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("storage: opening %s: %w", redactURL(url), err)
	}
	db := newDB(&pgEngine{pool: pool})
	db.pgURL = url
	if err := db.initPostgres(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("storage: initialising %s: %w", redactURL(url), err)
	}
	db.startListener()
	return db, nil
}

// PostgresPool is the connection pool of a DB on PostgreSQL, for the
// state beside the store that the nodes share (package sharedstate), so
// that a node keeps one pool; nil on bbolt. Close closes it.
func (db *DB) PostgresPool() *pgxpool.Pool {
	if e, ok := db.kv.(*pgEngine); ok {
		return e.pool
	}
	return nil
}

// initPostgres migrates and initialises the database while holding the
// open lock on a connection of its own.
func (db *DB) initPostgres(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "select pg_advisory_lock($1)", pgOpenLock); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "select pg_advisory_unlock($1)", pgOpenLock)
	if err := migrate(ctx, conn.Conn()); err != nil {
		return err
	}
	if err := db.kv.update(ctx, db.init); err != nil {
		return err
	}
	return db.buildSearchIndex()
}

// migrate applies, each in a transaction of its own, the migrations whose
// number is above the database's schema version.
func migrate(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, "create table if not exists weigong_schema (version int primary key, applied timestamptz not null default now())"); err != nil {
		return err
	}
	var current int
	if err := conn.QueryRow(ctx, "select coalesce(max(version), 0) from weigong_schema").Scan(&current); err != nil {
		return err
	}
	names, err := fs.Glob(pgSchema, "pgschema/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "pgschema/")
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: the name must start with its number", base)
		}
		if version <= current {
			continue
		}
		sql, err := pgSchema.ReadFile(name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "insert into weigong_schema (version) values ($1)", version)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// redactURL drops the password from a URL for error messages.
func redactURL(url string) string {
	if cfg, err := pgx.ParseConfig(url); err == nil && cfg.Password != "" {
		return strings.Replace(url, cfg.Password, "xxxxx", 1)
	}
	return url
}

// startListener keeps a connection listening on pgChannel and wakes this
// DB's tailers (Changed) on every commit of any node that appended to the
// change log. It returns once the first LISTEN is in place (or after
// pgRetry), so that commits of other nodes wake a DB OpenPostgres
// returned. After losing the connection it reconnects and wakes the
// tailers, since notifications may have been missed meanwhile.
func (db *DB) startListener() {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	var done sync.WaitGroup
	done.Add(1)
	go func() {
		defer done.Done()
		for ctx.Err() == nil {
			db.listen(ctx, ready) // its error is handled by trying again
			if ctx.Err() != nil {
				return
			}
			db.notify()
			if sleep(ctx, pgRetry) != nil {
				return
			}
		}
	}()
	db.stopListener = func() {
		cancel()
		done.Wait()
	}
	select {
	case <-ready:
	case <-time.After(pgRetry):
	}
}

// listen holds one LISTEN connection until it fails or ctx ends, and
// closes ready (once) when it listens.
func (db *DB) listen(ctx context.Context, ready chan struct{}) error {
	conn, err := pgx.Connect(ctx, db.pgURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "listen "+pgChannel); err != nil {
		return err
	}
	select {
	case <-ready:
		db.notify() // commits while the connection was down
	default:
		close(ready)
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		db.notify()
	}
}

// Lead blocks until this process holds the lease called name, or ctx
// ends, and returns a context that ends when the lease is lost, with the
// function that releases it. Background jobs that must run on one node at
// a time (the sweeper, the webhook fan-out) run under it.
//
// On bbolt the lease is granted at once: the file lock already makes the
// process the only one. On PostgreSQL it is a session advisory lock held
// on a connection of its own, tried every pollEvery: if the holding node
// dies its connection drops, PostgreSQL releases the lock, and another
// node takes it on its next try. The holder checks its connection every
// pollEvery and ends the lease context when it breaks.
func (db *DB) Lead(ctx context.Context, name string, pollEvery time.Duration) (context.Context, func(), error) {
	if db.pgURL == "" {
		held, release := context.WithCancel(ctx)
		return held, release, nil
	}
	key := leaseKey(name)
	for {
		conn, err := pgx.Connect(ctx, db.pgURL)
		if err == nil {
			for {
				var got bool
				err = conn.QueryRow(ctx, "select pg_try_advisory_lock($1)", key).Scan(&got)
				if err != nil {
					break
				}
				if got {
					return db.hold(ctx, conn, pollEvery)
				}
				if err = sleep(ctx, pollEvery); err != nil {
					break
				}
			}
			conn.Close(context.Background())
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if err := sleep(ctx, pgRetry); err != nil {
			return nil, nil, err
		}
	}
}

// hold keeps a lease's connection alive and watched.
func (db *DB) hold(ctx context.Context, conn *pgx.Conn, pollEvery time.Duration) (context.Context, func(), error) {
	held, lose := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		defer conn.Close(context.Background()) // closing releases the lock
		defer lose()
		for sleep(held, pollEvery) == nil {
			if _, err := conn.Exec(held, "select 1"); err != nil {
				return
			}
		}
	}()
	release := func() {
		lose()
		<-stopped
	}
	return held, release, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// leaseKey is the advisory lock key of a lease: a hash of its name, kept
// clear of the engine's own keys.
func leaseKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("weigong lease " + name))
	k := int64(h.Sum64() >> 1)
	if k == pgWriterLock || k == pgOpenLock {
		k++
	}
	return k
}
