package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The PostgreSQL engine keeps every bucket in one table,
// kv(bucket, key, value), and the buckets with their sequences in
// kv_buckets (schema in pgschema/). It gives the store code bbolt's
// semantics so that one body of store code serves both engines:
//
//   - update is one PostgreSQL transaction that first takes a
//     transaction-scoped advisory lock (pgWriterLock): write transactions
//     run one at a time across every node, exactly like bbolt's single
//     writer. Every read-check-write of the store code (unique handles,
//     stock reservations, idempotency records) holds as on bbolt, and the
//     change log stays gap-free: Seqs are handed out inside the serialised
//     writer, so commit order is Seq order and a tailer can never pass a
//     Seq whose change commits later.
//   - view is a REPEATABLE READ READ ONLY transaction: one snapshot.
//
// The limit is the one of bbolt: one writer at a time across the cluster
// (reads scale with nodes and connections). What would lift it: per-store
// tables written under SERIALIZABLE with retry on serialisation failures,
// and a change log whose positions are assigned at commit (or a tailer
// that waits out in-flight transactions), guarded by the conformance suite
// (storage/storetest).
//
// Writes are queued and sent as one batch before the next read of the
// transaction and at commit, so a unit of work costs few round trips while
// reads still see the transaction's own writes. A database error inside a
// transaction is sticky: the accessor that hit it returns nothing, and
// the transaction then fails with that error (bbolt's Get has no error to
// return, so the store code's signatures stay as they are).

// Advisory lock keys (bigint space of the database). Any value works as
// long as nothing else in the database uses it.
const (
	pgWriterLock int64 = 0x5747_4b56_0001 // held by each write transaction
	pgOpenLock   int64 = 0x5747_4b56_0002 // held while a node migrates and initialises
)

// pgChannel is the NOTIFY channel of commits that appended to the change
// log.
const pgChannel = "weigong_changes"

// pgMaxKeySize bounds keys on PostgreSQL: a btree entry must fit in a
// third of an 8 KiB page, with the bucket name beside the key.
const pgMaxKeySize = 2000

// Cursor batches start small, since most cursors read a row or two after
// a Seek, and double up to pgBatchMax for long scans.
const (
	pgBatchMin = 8
	pgBatchMax = 256
)

// pgEngine is kvEngine over a PostgreSQL database.
type pgEngine struct {
	pool *pgxpool.Pool
	// roundTrips counts the queries and batches sent, for benchmarks.
	roundTrips atomic.Int64
}

func (e *pgEngine) close() error {
	e.pool.Close()
	return nil
}

func (e *pgEngine) update(ctx context.Context, fn func(tx kvTx) error) error {
	return e.run(ctx, pgx.TxOptions{}, true, fn)
}

func (e *pgEngine) view(ctx context.Context, fn func(tx kvTx) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return e.run(ctx, opts, false, fn)
}

// run runs fn in one transaction and commits it when fn and every query
// succeeded.
func (e *pgEngine) run(ctx context.Context, opts pgx.TxOptions, writable bool, fn func(tx kvTx) error) error {
	ptx, err := e.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("storage: beginning a transaction: %w", err)
	}
	defer ptx.Rollback(context.WithoutCancel(ctx))
	if writable {
		if _, err := ptx.Exec(ctx, "select pg_advisory_xact_lock($1)", pgWriterLock); err != nil {
			return fmt.Errorf("storage: taking the writer lock: %w", err)
		}
	}
	e.roundTrips.Add(1) // begin
	if writable {
		e.roundTrips.Add(1) // the writer lock
	}
	t := &pgTx{ctx: ctx, tx: ptx, writable: writable, trips: &e.roundTrips}
	err = fn(t)
	if t.err != nil {
		return t.err
	}
	if err != nil {
		return err
	}
	if !writable {
		return nil // the deferred rollback ends the snapshot
	}
	t.saveSequences()
	if t.changed {
		t.queue("select pg_notify($1, '')", pgChannel)
	}
	if t.flush(); t.err != nil {
		return t.err
	}
	e.roundTrips.Add(1)
	if err := ptx.Commit(ctx); err != nil {
		return fmt.Errorf("storage: committing: %w", err)
	}
	return nil
}

// pgTx is kvTx over one PostgreSQL transaction.
type pgTx struct {
	ctx      context.Context
	tx       pgx.Tx
	writable bool
	// buckets is loaded on first use: every bucket with its sequence.
	buckets map[string]*pgBucket
	// pending holds the writes not yet sent.
	pending pgx.Batch
	// err is the first database error; it fails the transaction.
	err error
	// changed records an append to the change log, which the commit
	// announces on pgChannel.
	changed bool
	trips   *atomic.Int64
}

// changesAppended is called by appendChange (changes.go).
func (t *pgTx) changesAppended() { t.changed = true }

// fail records the first error of the transaction.
func (t *pgTx) fail(err error) {
	if t.err == nil {
		t.err = fmt.Errorf("storage: postgresql: %w", err)
	}
}

// queue adds a write to the next batch.
func (t *pgTx) queue(sql string, args ...any) {
	t.pending.Queue(sql, args...)
}

// flush sends the queued writes; reads call it first, so they see them.
func (t *pgTx) flush() {
	if t.pending.Len() == 0 || t.err != nil {
		return
	}
	batch := t.pending
	t.pending = pgx.Batch{}
	t.trips.Add(1)
	if err := t.tx.SendBatch(t.ctx, &batch).Close(); err != nil {
		t.fail(err)
	}
}

// load reads the bucket list once per transaction.
func (t *pgTx) load() {
	if t.buckets != nil {
		return
	}
	t.buckets = map[string]*pgBucket{}
	t.flush()
	if t.err != nil {
		return
	}
	t.trips.Add(1)
	rows, err := t.tx.Query(t.ctx, "select name, seq from kv_buckets")
	if err != nil {
		t.fail(err)
		return
	}
	var name string
	var seq int64
	_, err = pgx.ForEachRow(rows, []any{&name, &seq}, func() error {
		t.buckets[name] = &pgBucket{tx: t, name: name, seq: uint64(seq)}
		return nil
	})
	if err != nil {
		t.fail(err)
	}
}

func (t *pgTx) Bucket(name []byte) kvBucket {
	t.load()
	if b, ok := t.buckets[string(name)]; ok {
		return b
	}
	return nil
}

func (t *pgTx) CreateBucketIfNotExists(name []byte) (kvBucket, error) {
	if !t.writable {
		return nil, errTxNotWritable
	}
	t.load()
	if t.err != nil {
		return nil, t.err
	}
	if b, ok := t.buckets[string(name)]; ok {
		return b, nil
	}
	if len(name) == 0 {
		return nil, errors.New("storage: bucket name required")
	}
	b := &pgBucket{tx: t, name: string(name)}
	t.buckets[b.name] = b
	t.queue("insert into kv_buckets (name, seq) values ($1, 0)", b.name)
	return b, nil
}

func (t *pgTx) DeleteBucket(name []byte) error {
	if !t.writable {
		return errTxNotWritable
	}
	t.load()
	b, ok := t.buckets[string(name)]
	if !ok {
		return errBucketNotFound
	}
	delete(t.buckets, b.name)
	b.deleted = true
	t.queue("delete from kv where bucket = $1", b.name)
	t.queue("delete from kv_buckets where name = $1", b.name)
	return nil
}

func (t *pgTx) Writable() bool { return t.writable }

// saveSequences queues the sequences the transaction moved.
func (t *pgTx) saveSequences() {
	for _, b := range t.buckets {
		if b.seqDirty {
			t.queue("update kv_buckets set seq = $2 where name = $1", b.name, int64(b.seq))
			b.seqDirty = false
		}
	}
}

// pgBucket is one bucket within one transaction.
type pgBucket struct {
	tx       *pgTx
	name     string
	seq      uint64
	seqDirty bool
	deleted  bool
	// writes counts writes to the bucket, so that cursors refetch after
	// one instead of walking stale rows.
	writes int
}

func (b *pgBucket) Get(key []byte) []byte {
	t := b.tx
	if t.flush(); t.err != nil {
		return nil
	}
	var v []byte
	t.trips.Add(1)
	err := t.tx.QueryRow(t.ctx, "select value from kv where bucket = $1 and key = $2", b.name, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		t.fail(err)
		return nil
	}
	if v == nil {
		v = []byte{}
	}
	return v
}

func (b *pgBucket) Put(key, value []byte) error {
	if err := b.writable(); err != nil {
		return err
	}
	switch {
	case len(key) == 0:
		return errors.New("storage: key required")
	case len(key) > pgMaxKeySize:
		return fmt.Errorf("storage: key of %d bytes is over PostgreSQL's limit of %d", len(key), pgMaxKeySize)
	}
	if value == nil {
		value = []byte{}
	}
	b.writes++
	// The batch is sent later: copy what the caller may reuse.
	b.tx.queue("insert into kv (bucket, key, value) values ($1, $2, $3) on conflict (bucket, key) do update set value = excluded.value",
		b.name, bytes.Clone(key), bytes.Clone(value))
	return nil
}

func (b *pgBucket) Delete(key []byte) error {
	if err := b.writable(); err != nil {
		return err
	}
	b.writes++
	b.tx.queue("delete from kv where bucket = $1 and key = $2", b.name, bytes.Clone(key))
	return nil
}

func (b *pgBucket) writable() error {
	switch {
	case !b.tx.writable:
		return errTxNotWritable
	case b.deleted:
		return errBucketNotFound
	}
	return nil
}

func (b *pgBucket) Cursor() kvCursor { return &pgCursor{b: b} }

func (b *pgBucket) ForEach(fn func(k, v []byte) error) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return b.tx.err
}

func (b *pgBucket) Sequence() uint64 { return b.seq }

func (b *pgBucket) SetSequence(v uint64) error {
	if err := b.writable(); err != nil {
		return err
	}
	b.seq, b.seqDirty = v, true
	return nil
}

func (b *pgBucket) NextSequence() (uint64, error) {
	if err := b.writable(); err != nil {
		return 0, err
	}
	b.seq++
	b.seqDirty = true
	return b.seq, nil
}

// pgCursor walks a bucket with batched queries. It holds the rows of the
// last batch in the order they were fetched and moves within them; past
// the batch, or after a write to the bucket, it queries again from the
// key it is on.
type pgCursor struct {
	b      *pgBucket
	rows   []pgRow
	i      int
	desc   bool // rows run in descending key order
	more   bool // the batch was full: more rows may follow it
	batch  int
	writes int    // the bucket's writes when rows were fetched
	key    []byte // the key the cursor is on; nil off the ends
}

type pgRow struct{ key, value []byte }

func (c *pgCursor) First() ([]byte, []byte) {
	c.batch = pgBatchMin
	return c.fetch(nil, false, false)
}

func (c *pgCursor) Last() ([]byte, []byte) {
	c.batch = pgBatchMin
	return c.fetch(nil, false, true)
}

func (c *pgCursor) Seek(seek []byte) ([]byte, []byte) {
	if len(seek) == 0 {
		return c.First()
	}
	c.batch = pgBatchMin
	return c.fetch(seek, true, false)
}

func (c *pgCursor) Next() ([]byte, []byte) { return c.step(false) }
func (c *pgCursor) Prev() ([]byte, []byte) { return c.step(true) }

// step moves one key on in the given direction.
func (c *pgCursor) step(desc bool) ([]byte, []byte) {
	if c.key == nil {
		return nil, nil
	}
	if c.desc == desc && c.writes == c.b.writes {
		if c.i+1 < len(c.rows) {
			c.i++
			return c.current()
		}
		if !c.more {
			c.key = nil
			return nil, nil
		}
	}
	c.batch = min(c.batch*2, pgBatchMax)
	return c.fetch(c.key, false, desc)
}

func (c *pgCursor) current() ([]byte, []byte) {
	r := c.rows[c.i]
	c.key = r.key
	return r.key, r.value
}

// fetch loads a batch starting at from (at or after it when inclusive,
// strictly beyond it otherwise; the start or end of the bucket when nil)
// and lands on its first row.
func (c *pgCursor) fetch(from []byte, inclusive, desc bool) ([]byte, []byte) {
	t := c.b.tx
	c.key, c.rows, c.i, c.desc = nil, c.rows[:0], 0, desc
	if t.flush(); t.err != nil {
		return nil, nil
	}
	c.writes = c.b.writes
	var sql string
	args := []any{c.b.name, c.batch}
	switch {
	case from == nil && !desc:
		sql = "select key, value from kv where bucket = $1 order by key limit $2"
	case from == nil && desc:
		sql = "select key, value from kv where bucket = $1 order by key desc limit $2"
	case !desc && inclusive:
		sql = "select key, value from kv where bucket = $1 and key >= $3 order by key limit $2"
	case !desc:
		sql = "select key, value from kv where bucket = $1 and key > $3 order by key limit $2"
	default:
		sql = "select key, value from kv where bucket = $1 and key < $3 order by key desc limit $2"
	}
	if from != nil {
		args = append(args, from)
	}
	t.trips.Add(1)
	rows, err := t.tx.Query(t.ctx, sql, args...)
	if err != nil {
		t.fail(err)
		return nil, nil
	}
	var r pgRow
	_, err = pgx.ForEachRow(rows, []any{&r.key, &r.value}, func() error {
		if r.value == nil {
			r.value = []byte{}
		}
		c.rows = append(c.rows, r)
		r = pgRow{}
		return nil
	})
	if err != nil {
		t.fail(err)
		c.rows = c.rows[:0]
		return nil, nil
	}
	c.more = len(c.rows) == c.batch
	if len(c.rows) == 0 {
		return nil, nil
	}
	return c.current()
}

func (c *pgCursor) Delete() error {
	if c.key == nil {
		return errors.New("storage: cursor is on no key")
	}
	if err := c.b.Delete(c.key); err != nil {
		return err
	}
	// Deleting the key under the cursor leaves the other fetched rows as
	// they are: keep walking them.
	c.writes = c.b.writes
	return nil
}
