package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
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
	// writer lets one write transaction of this process at a time take a
	// connection, so that writers queued for the cluster-wide lock hold
	// one connection, not the whole pool that readers need.
	writer sync.Mutex
	// roundTrips counts the queries and batches sent, for benchmarks.
	roundTrips atomic.Int64
}

func (e *pgEngine) close() error {
	e.pool.Close()
	return nil
}

func (e *pgEngine) update(ctx context.Context, fn func(tx kvTx) error) error {
	e.writer.Lock()
	defer e.writer.Unlock()
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
	t.saveWrites()
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
	// pending holds the statements not yet sent: bucket creations, then
	// at commit the buckets' writes and sequences.
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
	if t.err != nil {
		// The bucket list could not be read (a cancelled context, a lost
		// connection): a bucket that finds nothing, rather than a nil the
		// store code does not expect for its own buckets. The transaction
		// fails with t.err whatever fn returns.
		return &pgBucket{tx: t, name: string(name)}
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
	b.deleted, b.writes = true, nil
	// At once, after any queued creation of the same bucket.
	t.queue("delete from kv where bucket = $1", b.name)
	t.queue("delete from kv_buckets where name = $1", b.name)
	t.flush()
	return t.err
}

// saveWrites queues each bucket's writes: one statement for its puts and
// one for its deletes.
func (t *pgTx) saveWrites() {
	for _, b := range t.buckets {
		var putKeys, putValues, deleted [][]byte
		for k, w := range b.writes {
			if w.deleted {
				deleted = append(deleted, []byte(k))
			} else {
				putKeys, putValues = append(putKeys, []byte(k)), append(putValues, w.value)
			}
		}
		if len(putKeys) > 0 {
			t.queue(`insert into kv (bucket, key, value) select $1, k, v from unnest($2::bytea[], $3::bytea[]) as w(k, v)
				on conflict (bucket, key) do update set value = excluded.value`, b.name, putKeys, putValues)
		}
		if len(deleted) > 0 {
			t.queue("delete from kv where bucket = $1 and key = any($2::bytea[])", b.name, deleted)
		}
		b.writes, b.keys = nil, nil
	}
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
	// writes holds the transaction's writes to the bucket until the
	// commit; reads merge them over the database's rows. One entry per
	// key, so a key written many times is sent once (PostgreSQL slows
	// down on a row updated thousands of times in one transaction).
	writes map[string]pgWrite
	// keys are the keys of writes, sorted when sorted is set.
	keys   []string
	sorted bool
	// version counts writes, so that cursors refetch after one instead of
	// walking stale rows.
	version int
}

// pgWrite is a put of value, or a delete.
type pgWrite struct {
	value   []byte
	deleted bool
}

// write records a put or a delete in the bucket's writes.
func (b *pgBucket) write(key []byte, w pgWrite) {
	if b.writes == nil {
		b.writes, b.sorted = map[string]pgWrite{}, true
	}
	k := string(key)
	if _, ok := b.writes[k]; !ok {
		if n := len(b.keys); n > 0 && b.keys[n-1] >= k {
			b.sorted = false
		}
		b.keys = append(b.keys, k)
	}
	b.writes[k] = w
	b.version++
}

// sortedKeys returns the written keys in order.
func (b *pgBucket) sortedKeys() []string {
	if !b.sorted {
		slices.Sort(b.keys)
		b.sorted = true
	}
	return b.keys
}

func (b *pgBucket) Get(key []byte) []byte {
	if w, ok := b.writes[string(key)]; ok {
		if w.deleted {
			return nil
		}
		return w.value
	}
	t := b.tx
	if t.err != nil {
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
	// Kept until the commit: copy what the caller may reuse.
	v := make([]byte, len(value))
	copy(v, value)
	b.write(key, pgWrite{value: v})
	return nil
}

func (b *pgBucket) Delete(key []byte) error {
	if err := b.writable(); err != nil {
		return err
	}
	b.write(key, pgWrite{deleted: true})
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

// seekAll answers every seek in one query. A seek whose answer a write of
// this transaction could change (a written key between the seek and the
// row found) is answered again by a cursor, which merges the writes.
func (b *pgBucket) seekAll(seeks [][]byte) []kvRow {
	out := make([]kvRow, len(seeks))
	t := b.tx
	if len(seeks) == 0 || t.err != nil {
		return out
	}
	t.trips.Add(1)
	rows, err := t.tx.Query(t.ctx, `select s.i, kv.key, kv.value
		from unnest($2::bytea[]) with ordinality as s(seek, i)
		left join lateral (select key, value from kv where bucket = $1 and key >= s.seek order by key limit 1) kv on true`,
		b.name, seeks)
	if err != nil {
		t.fail(err)
		return out
	}
	var i int64
	var r kvRow
	_, err = pgx.ForEachRow(rows, []any{&i, &r.key, &r.value}, func() error {
		if r.key != nil && r.value == nil {
			r.value = []byte{}
		}
		out[i-1] = r
		r = kvRow{}
		return nil
	})
	if err != nil {
		t.fail(err)
		return out
	}
	if len(b.writes) == 0 {
		return out
	}
	keys := b.sortedKeys()
	for i, seek := range seeks {
		at, _ := slices.BinarySearch(keys, string(seek))
		if at < len(keys) && (out[i].key == nil || keys[at] <= string(out[i].key)) {
			k, v := b.Cursor().Seek(seek)
			out[i] = kvRow{bytes.Clone(k), bytes.Clone(v)}
		}
	}
	return out
}

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
	b       *pgBucket
	rows    []kvRow
	i       int
	desc    bool // rows run in descending key order
	more    bool // the batch was full: more rows may follow it
	batch   int
	version int    // the bucket's version when rows were fetched
	key     []byte // the key the cursor is on; nil off the ends
}

type kvRow struct{ key, value []byte }

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
	if c.desc == desc && c.version == c.b.version {
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
// strictly beyond it otherwise; the start or end of the bucket when nil),
// merges the transaction's writes over it, and lands on its first row.
// Inclusive is only ever asked for ascending (Seek).
func (c *pgCursor) fetch(from []byte, inclusive, desc bool) ([]byte, []byte) {
	c.key, c.rows, c.i, c.desc = nil, c.rows[:0], 0, desc
	c.version = c.b.version
	for {
		db, ok := c.query(from, inclusive, desc)
		if !ok {
			return nil, nil
		}
		c.more = len(db) == c.batch
		// The batch covers keys up to its last row when it is full, to
		// the end of the bucket otherwise; so do the writes merged in.
		var bound []byte
		if c.more {
			bound = db[len(db)-1].key
		}
		c.rows = c.b.merge(c.rows[:0], db, from, inclusive, bound, desc)
		if len(c.rows) > 0 {
			return c.current()
		}
		if !c.more {
			return nil, nil
		}
		// Every row of the batch was deleted by this transaction.
		from, inclusive = bound, false
	}
}

// query reads one batch of the database's rows.
func (c *pgCursor) query(from []byte, inclusive, desc bool) ([]kvRow, bool) {
	t := c.b.tx
	if t.err != nil {
		return nil, false
	}
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
		return nil, false
	}
	var out []kvRow
	var r kvRow
	_, err = pgx.ForEachRow(rows, []any{&r.key, &r.value}, func() error {
		if r.value == nil {
			r.value = []byte{}
		}
		out = append(out, r)
		r = kvRow{}
		return nil
	})
	if err != nil {
		t.fail(err)
		return nil, false
	}
	return out, true
}

// merge appends to dst the rows of db with the bucket's writes between
// from and bound laid over them, in the direction of the walk.
func (b *pgBucket) merge(dst, db []kvRow, from []byte, inclusive bool, bound []byte, desc bool) []kvRow {
	if len(b.writes) == 0 {
		return append(dst, db...)
	}
	// The written keys in range, in the direction of the walk.
	keys := b.sortedKeys()
	var ws []string
	if !desc {
		i := 0
		if from != nil {
			i, _ = slices.BinarySearch(keys, string(from))
			if !inclusive && i < len(keys) && keys[i] == string(from) {
				i++
			}
		}
		for ; i < len(keys) && (bound == nil || keys[i] <= string(bound)); i++ {
			ws = append(ws, keys[i])
		}
	} else {
		i := len(keys) - 1
		if from != nil {
			j, _ := slices.BinarySearch(keys, string(from)) // keys[j] >= from
			i = j - 1
		}
		for ; i >= 0 && (bound == nil || keys[i] >= string(bound)); i-- {
			ws = append(ws, keys[i])
		}
	}
	before := func(a, z string) bool { return a < z != desc && a != z }
	for len(db) > 0 || len(ws) > 0 {
		switch {
		case len(ws) == 0 || len(db) > 0 && before(string(db[0].key), ws[0]):
			dst = append(dst, db[0])
			db = db[1:]
		default:
			if len(db) > 0 && string(db[0].key) == ws[0] {
				db = db[1:] // the write replaces the row
			}
			if w := b.writes[ws[0]]; !w.deleted {
				dst = append(dst, kvRow{key: []byte(ws[0]), value: w.value})
			}
			ws = ws[1:]
		}
	}
	return dst
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
	c.version = c.b.version
	return nil
}
