package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/storage/pgtest"
)

// openPostgres opens another handle on the database at url: what a second
// node does.
func openPostgres(t testing.TB, url string) *DB {
	t.Helper()
	db, err := OpenPostgres(ctx, url)
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Ensure that the PostgreSQL engine answers every move of a cursor, and
// every Get, exactly as bbolt does, inside write transactions (reading
// their own writes, including deletes through the cursor) and in read
// transactions, over random keys in buckets whose names sort next to
// each other.
func TestPostgres_EngineAgainstBbolt(t *testing.T) {
	skipOnPostgres(t, "compares both engines; runs in the bbolt process")
	bdb := mustOpenAt(t, filepath.Join(t.TempDir(), "model.db"))
	pdb := openPostgres(t, pgtest.NewDatabase(t))
	rng := rand.New(rand.NewPCG(1, 2))
	buckets := [][]byte{[]byte("m"), []byte("m2"), []byte("n")}
	randKey := func() []byte {
		k := make([]byte, 1+rng.IntN(3))
		for i := range k {
			k[i] = "ab\x00\xff"[rng.IntN(4)]
		}
		return k
	}
	// script runs the same random operations on tx and logs what it saw.
	script := func(seed uint64, writable bool) func(tx kvTx) ([]string, error) {
		return func(tx kvTx) ([]string, error) {
			r := rand.New(rand.NewPCG(seed, seed))
			rng = r
			var log []string
			for range 200 {
				b := tx.Bucket(buckets[r.IntN(len(buckets))])
				if b == nil {
					log = append(log, "no bucket")
					continue
				}
				switch op := r.IntN(10); {
				case writable && op < 3:
					// Empty, not nil: bbolt's Get answers nil for a key
					// put with a nil value until the commit (kv.go).
					v := []byte{}
					if r.IntN(2) == 0 {
						v = randKey()
					}
					if err := b.Put(randKey(), v); err != nil {
						return nil, err
					}
				case writable && op < 4:
					if err := b.Delete(randKey()); err != nil {
						return nil, err
					}
				case op < 5:
					found := seekAll(b, [][]byte{randKey(), randKey(), randKey()})
					log = append(log, fmt.Sprintf("seekAll %q", found))
				case op < 6:
					v := b.Get(randKey())
					log = append(log, fmt.Sprintf("get %x nil=%v", v, v == nil))
				default:
					c := b.Cursor()
					var k, v []byte
					switch r.IntN(3) {
					case 0:
						k, v = c.First()
					case 1:
						k, v = c.Last()
					default:
						k, v = c.Seek(randKey())
					}
					for step := 0; k != nil && step < 12; step++ {
						log = append(log, fmt.Sprintf("at %x=%x", k, v))
						switch r.IntN(5) {
						case 0:
							k, v = c.Prev()
						case 1:
							if writable {
								if err := c.Delete(); err != nil {
									return nil, err
								}
								log = append(log, "deleted")
								k, v = c.Seek(k)
								continue
							}
							k, v = c.Next()
						default:
							k, v = c.Next()
						}
					}
					log = append(log, fmt.Sprintf("end %x", k))
				}
			}
			return log, nil
		}
	}
	run := func(db *DB, writable bool, fn func(tx kvTx) ([]string, error)) []string {
		var log []string
		do := db.kv.view
		if writable {
			do = db.kv.update
		}
		err := do(ctx, func(tx kvTx) error {
			var err error
			log, err = fn(tx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return log
	}
	for _, db := range []*DB{bdb, pdb} {
		err := db.kv.update(ctx, func(tx kvTx) error {
			for _, name := range buckets {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for round := range 40 {
		writable := round%3 != 2
		want := run(bdb, writable, script(uint64(round), writable))
		got := run(pdb, writable, script(uint64(round), writable))
		for i := range max(len(want), len(got)) {
			if i >= len(want) || i >= len(got) || want[i] != got[i] {
				t.Fatalf("round %d (writable %v), step %d: bbolt and PostgreSQL differ:\nbbolt: %q\npg:    %q",
					round, writable, i, want[max(0, i-3):min(len(want), i+2)], got[max(0, i-3):min(len(got), i+2)])
			}
		}
	}
}

// Ensure that writers on several nodes never leave a gap in the change
// log that a tailer could step over: 8 writers on 4 handles append 200
// changes each while a tailer on a fifth reads the log, and every read
// must continue exactly after the last Seq seen (so a Seq never appears
// below one already read, and none is skipped).
func TestPostgres_ChangeLogHasNoGaps(t *testing.T) {
	skipOnPostgres(t, "opens its own databases; runs in the bbolt process")
	url := pgtest.NewDatabase(t)
	// 8 × 60: enough interleaving for a gap to show within seconds (it did
	// without the writer lock); more only makes the test slower.
	const writers, each = 8, 60
	nodes := make([]*DB, 4)
	for i := range nodes {
		nodes[i] = openPostgres(t, url)
	}
	s := mustSupplier(t, nodes[0], "factory")
	start := must(nodes[0].Log(ctx))
	reader := openPostgres(t, url)

	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			db := nodes[w%len(nodes)]
			for range each {
				if _, err := db.SaveCard(ctx, newCard(s.ID, newID()), catalog.CardPublished); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	after, total := start.Last, start.Last+writers*each
	for after < total {
		changes, err := reader.LogChanges(ctx, after, 500)
		if err != nil {
			t.Fatalf("LogChanges: %v", err)
		}
		for _, ch := range changes {
			if ch.Seq != after+1 {
				t.Fatalf("after Seq %d the tailer read Seq %d", after, ch.Seq)
			}
			after = ch.Seq
		}
		select {
		case err := <-errs:
			t.Fatalf("writer: %v", err)
		case <-ctx.Done():
			t.Fatalf("the tailer reached Seq %d of %d", after, total)
		default:
		}
	}
	wg.Wait()
	if info := must(reader.Log(ctx)); info.Last != total {
		t.Fatalf("log ends at %d, want %d", info.Last, total)
	}
}

// Ensure that a commit on one node wakes the tailers of another (NOTIFY),
// within a bounded wait, and that a write that appends nothing does not.
func TestPostgres_ChangedAcrossNodes(t *testing.T) {
	skipOnPostgres(t, "opens its own databases; runs in the bbolt process")
	url := pgtest.NewDatabase(t)
	a, b := openPostgres(t, url), openPostgres(t, url)
	s := mustSupplier(t, a, "factory")
	changed := b.Changed()
	if err := a.SaveRelayCursor(ctx, "quiet", 1); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
		t.Fatal("a write that appended no change woke the other node")
	case <-time.After(300 * time.Millisecond):
	}
	mustPublish(t, a, s.ID, newID())
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("a card posted on one node did not wake the other within 5s")
	}
}

// Ensure that one node at a time holds a lease: a second waits while the
// first holds it, takes it within a bounded wait once it is released, and
// takes it again when the holder's connection dies (a crashed node), whose
// lease context then ends.
func TestPostgres_Lead(t *testing.T) {
	skipOnPostgres(t, "opens its own databases; runs in the bbolt process")
	url := pgtest.NewDatabase(t)
	a, b := openPostgres(t, url), openPostgres(t, url)
	const poll = 50 * time.Millisecond
	heldA, releaseA, err := a.Lead(ctx, "sweeper", poll)
	if err != nil {
		t.Fatal(err)
	}
	type lease struct {
		held    context.Context
		release func()
		err     error
	}
	take := func(db *DB) chan lease {
		got := make(chan lease, 1)
		go func() {
			held, release, err := db.Lead(ctx, "sweeper", poll)
			got <- lease{held, release, err}
		}()
		return got
	}
	gotB := take(b)
	select {
	case <-gotB:
		t.Fatal("a second node took a lease that is held")
	case <-time.After(500 * time.Millisecond):
	}
	// Another name is another lease.
	_, releaseOther, err := b.Lead(ctx, "webhooks", poll)
	if err != nil {
		t.Fatal(err)
	}
	releaseOther()

	releaseA()
	if heldA.Err() == nil {
		t.Fatal("the released lease's context did not end")
	}
	var lb lease
	select {
	case lb = <-gotB:
		if lb.err != nil {
			t.Fatal(lb.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second node did not take the released lease within 5s")
	}

	// b's node dies: its connection is terminated by the server.
	gotA := take(a)
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, `select pg_terminate_backend(pid) from pg_locks
		where locktype = 'advisory' and granted and objid::bigint = ($1::bigint & 4294967295)`, leaseKey("sweeper"))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-lb.held.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the lease context of a node whose connection died did not end")
	}
	lb.release()
	select {
	case la := <-gotA:
		if la.err != nil {
			t.Fatal(la.err)
		}
		la.release()
	case <-time.After(5 * time.Second):
		t.Fatal("the lease of a dead node was not taken over within 5s")
	}
}

// Ensure that on bbolt the lease is granted at once.
func TestDB_Lead_Bbolt(t *testing.T) {
	skipOnPostgres(t, "bbolt's lease")
	db := mustOpen(t)
	held, release, err := db.Lead(ctx, "sweeper", time.Second)
	if err != nil || held.Err() != nil {
		t.Fatalf("Lead = %v", err)
	}
	release()
	if held.Err() == nil {
		t.Fatal("release did not end the lease context")
	}
}

// Ensure that several nodes opening one new database at once all succeed
// and agree: one migration run, one log ID.
func TestPostgres_OpenConcurrently(t *testing.T) {
	skipOnPostgres(t, "opens its own databases; runs in the bbolt process")
	url := pgtest.NewDatabase(t)
	const nodes = 6
	dbs := make([]*DB, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() { dbs[i], errs[i] = OpenPostgres(ctx, url) })
	}
	wg.Wait()
	for i, db := range dbs {
		if errs[i] != nil {
			t.Fatalf("node %d: %v", i, errs[i])
		}
		defer db.Close()
		if db.logID != dbs[0].logID {
			t.Fatalf("node %d has log ID %s, node 0 %s", i, db.logID, dbs[0].logID)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var rows, versions int
	if err := conn.QueryRow(ctx, "select count(*), count(distinct version) from weigong_schema").Scan(&rows, &versions); err != nil {
		t.Fatal(err)
	}
	if rows != versions || rows == 0 {
		t.Fatalf("weigong_schema has %d rows for %d versions", rows, versions)
	}
}

// Ensure that the bbolt-only maintenance says so on PostgreSQL instead of
// doing nothing.
func TestPostgres_BboltOnly(t *testing.T) {
	skipOnPostgres(t, "opens its own databases; runs in the bbolt process")
	db := openPostgres(t, pgtest.NewDatabase(t))
	if err := db.Check(); !errors.Is(err, errNotBolt) {
		t.Fatalf("Check = %v", err)
	}
	var buf bytes.Buffer
	if _, err := db.Backup(&buf); !errors.Is(err, errNotBolt) {
		t.Fatalf("Backup = %v", err)
	}
}

// Ensure that a transaction whose context ends before it reads anything
// fails with the context's error instead of handing the store code a nil
// bucket (the sweep of a node being stopped panicked so).
func TestPostgres_CancelledTransaction(t *testing.T) {
	skipOnPostgres(t, "opens its own databases; runs in the bbolt process")
	db := openPostgres(t, pgtest.NewDatabase(t))
	ctx, cancel := context.WithCancel(ctx)
	err := db.kv.update(ctx, func(tx kvTx) error {
		cancel()
		_, err := sweepBefore(tx, bIdempotency, bIdempotencyTime, time.Now())
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("update = %v, want context.Canceled", err)
	}
}
