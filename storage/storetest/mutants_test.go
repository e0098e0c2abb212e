package storetest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/storage"
	"github.com/weigong/weigong/storage/storetest"
)

// A suite that cannot fail proves nothing. Each mutant below is the bbolt
// store with one promise broken the way a backend could break it; the
// test runs the suite on it in a child process (a failing suite must not
// fail this test) and checks the rule that guards the promise fails.
var mutants = []struct{ kind, rule string }{
	{"gap", "ConcurrentWriters/ManyWritersAndTailers"},
	{"gap", "ChangeLog/Paging"},
	{"replaygap", "ConcurrentWriters/ManyWritersAndTailers"},
	{"lastahead", "ConcurrentWriters/ManyWritersAndTailers"},
	{"lastahead", "ConcurrentWriters/ReaderNeverSkipsALateCommit"},
	{"norollback", "UnitOfWork/FailedUpdateRollsBackEverything"},
	{"norollback", "ChangeLog/CommittedSeqsAreContiguous"},
	{"norollback", "UnitOfWork/FailedUpdateKeepsThePreviousState"},
	{"norollback", "ConcurrentWriters/ManyWritersAndTailers"},
	{"nosnapshot", "UnitOfWork/ViewIsOneSnapshot"},
	{"staleread", "UnitOfWork/ConcurrentUpdatesLoseNoWrite"},
	{"sharedidem", "Idempotency/KeysAreOwnedByTheirAccount"},
	{"readcommitted", "Idempotency/ConcurrentFirstUsesDoTheWorkOnce"},
	{"twosteptake", "Sessions/ConcurrentTakeSessionHasOneWinner"},
	{"pagingoverlap", "Orders/AccountOrdersPerPartyNewestFirstWithPaging"},
	{"silent", "ChangeLog/ChangedFiresAfterACommitThatAppends"},
	{"typedid", "HostileIDs/LookupsAreNotFound"},
	{"droppedcolumn", "Accounts/CreatedAccountReadsBack"},
}

const mutantEnv = "STORETEST_MUTANT"

func TestSuiteCatchesBrokenStores(t *testing.T) {
	if os.Getenv(mutantEnv) != "" {
		t.Skip("inside a mutant's run")
	}
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	for _, m := range mutants {
		t.Run(m.kind+"/"+m.rule, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			pattern := "^TestMutant$"
			for _, part := range strings.Split(m.rule, "/") {
				pattern += "/^" + part + "$"
			}
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+pattern, "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), mutantEnv+"="+m.kind)
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), "--- FAIL: TestMutant/"+m.rule+" ") {
				t.Fatalf("the suite did not catch mutant %s with %s (exit: %v):\n%s", m.kind, m.rule, err, out)
			}
		})
	}
}

// TestMutant runs the suite on the mutant named by STORETEST_MUTANT.
func TestMutant(t *testing.T) {
	kind := os.Getenv(mutantEnv)
	if kind == "" {
		t.Skip(mutantEnv + " not set: run by TestSuiteCatchesBrokenStores")
	}
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		db, err := storage.Open(filepath.Join(t.TempDir(), "weigong.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.UseSecretKey(bytes.Repeat([]byte{7}, storage.SecretKeyLen)); err != nil {
			t.Fatal(err)
		}
		return storetest.FromDB(&mutant{DB: db, kind: kind, hidden: map[uint64]bool{}, cache: map[string]catalog.Account{}})
	})
}

// mutant is the bbolt store with the promise named by kind broken.
type mutant struct {
	*storage.DB
	kind string

	drawn atomic.Int64 // lastahead: Seqs drawn by open units

	mu     sync.Mutex
	hidden map[uint64]bool            // gap: Seqs hidden from their first read
	cache  map[string]catalog.Account // staleread: accounts as first read
}

// LogChanges (gap) hides a Seq divisible by 5 from the first read that
// also returns a later one, as a store drawing Seqs before commit would.
func (m *mutant) LogChanges(ctx context.Context, after uint64, limit int) ([]catalog.Change, error) {
	cs, err := m.DB.LogChanges(ctx, after, limit)
	if m.kind != "gap" {
		return cs, err
	}
	return m.hideOnce(cs), err
}

// Changes (replaygap) does the same to a distributor's replay.
func (m *mutant) Changes(ctx context.Context, distributorID string, supplierIDs []string, after uint64, limit int) ([]catalog.Change, error) {
	cs, err := m.DB.Changes(ctx, distributorID, supplierIDs, after, limit)
	if m.kind != "replaygap" {
		return cs, err
	}
	return m.hideOnce(cs), err
}

// Log (lastahead) counts the Seqs drawn by open units in Last, as a
// store reporting its sequence's value would.
func (m *mutant) Log(ctx context.Context) (feed.LogInfo, error) {
	info, err := m.DB.Log(ctx)
	if m.kind == "lastahead" {
		info.Last += uint64(m.drawn.Load())
	}
	return info, err
}

// hideOnce drops, from cs, each Seq divisible by 5 the first time it is
// read with a later one.
func (m *mutant) hideOnce(cs []catalog.Change) []catalog.Change {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []catalog.Change
	for i, c := range cs {
		if c.Seq%5 == 0 && i < len(cs)-1 && !m.hidden[c.Seq] {
			m.hidden[c.Seq] = true
			continue
		}
		out = append(out, c)
	}
	return out
}

// Update (norollback) commits what fn wrote even when fn fails;
// (staleread) reads accounts from a cache; (sharedidem) keys idempotency
// records by key alone.
func (m *mutant) Update(ctx context.Context, fn func(tx catalog.Tx) error) error {
	switch m.kind {
	case "norollback":
		var ferr error
		if err := m.DB.Update(ctx, func(tx catalog.Tx) error { ferr = fn(tx); return nil }); err != nil {
			return err
		}
		return ferr
	case "staleread":
		return m.DB.Update(ctx, func(tx catalog.Tx) error { return fn(staleTx{tx, m}) })
	case "sharedidem":
		return m.DB.Update(ctx, func(tx catalog.Tx) error { return fn(sharedIdemTx{tx}) })
	case "lastahead":
		var drawn int64
		defer func() { m.drawn.Add(-drawn) }()
		return m.DB.Update(ctx, func(tx catalog.Tx) error {
			m.drawn.Add(-drawn)
			drawn = 0
			return fn(drawingTx{tx, m, &drawn})
		})
	case "readcommitted":
		// Check, then act: the unit's idempotency reads are answered as
		// they stood before it took the write lock.
		early := map[string]bool{}
		_ = m.DB.View(ctx, func(tx catalog.Tx) error { return fn(earlyIdemTx{tx, early, true}) })
		return m.DB.Update(ctx, func(tx catalog.Tx) error { return fn(earlyIdemTx{tx, early, false}) })
	}
	return m.DB.Update(ctx, fn)
}

// View (nosnapshot) reads each account at the time of the call.
func (m *mutant) View(ctx context.Context, fn func(tx catalog.Tx) error) error {
	switch m.kind {
	case "nosnapshot":
		// No transaction at all: each read is its own (only Account is
		// served, which is all the rule reads).
		return fn(unsnappedTx{nil, m.DB, ctx})
	case "sharedidem":
		return m.DB.View(ctx, func(tx catalog.Tx) error { return fn(sharedIdemTx{tx}) })
	}
	return m.DB.View(ctx, fn)
}

// TakeSession (twosteptake) reads, then deletes in another transaction.
func (m *mutant) TakeSession(ctx context.Context, hash string) (catalog.Session, error) {
	if m.kind != "twosteptake" {
		return m.DB.TakeSession(ctx, hash)
	}
	s, err := m.DB.Session(ctx, hash)
	if err != nil {
		return s, err
	}
	_ = m.DB.DeleteSession(ctx, hash)
	return s, nil
}

// AccountOrders (pagingoverlap) resumes one order too early.
func (m *mutant) AccountOrders(ctx context.Context, accountID string, state catalog.OrderState, before string, limit int) ([]catalog.Order, string, error) {
	orders, next, err := m.DB.AccountOrders(ctx, accountID, state, before, limit)
	if m.kind == "pagingoverlap" && next != "" && len(orders) > 1 {
		next = orders[len(orders)-2].ID
	}
	return orders, next, err
}

// Card (typedid) fails on an ID that is not a UUID, as a typed uuid
// column does ("invalid input syntax for type uuid").
func (m *mutant) Card(ctx context.Context, id string) (catalog.Card, error) {
	if _, err := uuid.Parse(id); m.kind == "typedid" && err != nil {
		return catalog.Card{}, fmt.Errorf("invalid input syntax for type uuid: %q", id)
	}
	return m.DB.Card(ctx, id)
}

// Account (droppedcolumn) loses a field, as a port that forgot a column
// would.
func (m *mutant) Account(ctx context.Context, id string) (catalog.Account, error) {
	a, err := m.DB.Account(ctx, id)
	if m.kind == "droppedcolumn" {
		a.BadgeOrders = 0
	}
	return a, err
}

// Changed (silent) never fires.
func (m *mutant) Changed() <-chan struct{} {
	if m.kind == "silent" {
		return make(chan struct{})
	}
	return m.DB.Changed()
}

type unsnappedTx struct {
	catalog.Tx
	db  *storage.DB
	ctx context.Context
}

func (t unsnappedTx) Account(id string) (catalog.Account, error) { return t.db.Account(t.ctx, id) }

type staleTx struct {
	catalog.Tx
	m *mutant
}

func (t staleTx) Account(id string) (catalog.Account, error) {
	t.m.mu.Lock()
	defer t.m.mu.Unlock()
	if a, ok := t.m.cache[id]; ok {
		return a, nil
	}
	a, err := t.Tx.Account(id)
	if err == nil {
		t.m.cache[id] = a
	}
	return a, err
}

type sharedIdemTx struct{ catalog.Tx }

const everyone = "00000000-0000-7000-8000-000000000000"

func (t sharedIdemTx) IdempotencyRecord(_, key string) (catalog.IdempotencyRecord, bool, error) {
	return t.Tx.IdempotencyRecord(everyone, key)
}

func (t sharedIdemTx) SaveIdempotencyRecord(_, key string, r catalog.IdempotencyRecord) error {
	return t.Tx.SaveIdempotencyRecord(everyone, key, r)
}

// earlyIdemTx records (record) or replays (!record) whether each
// idempotency key had a record.
type earlyIdemTx struct {
	catalog.Tx
	found  map[string]bool
	record bool
}

func (t earlyIdemTx) IdempotencyRecord(accountID, key string) (catalog.IdempotencyRecord, bool, error) {
	r, ok, err := t.Tx.IdempotencyRecord(accountID, key)
	if t.record {
		t.found[accountID+key] = ok
	} else if found, seen := t.found[accountID+key]; seen && !found {
		return catalog.IdempotencyRecord{}, false, nil
	}
	return r, ok, err
}

// drawingTx counts the cards its unit saves as drawn Seqs.
type drawingTx struct {
	catalog.Tx
	m     *mutant
	drawn *int64
}

func (t drawingTx) SaveCard(c catalog.Card, kind catalog.ChangeKind) (catalog.Change, error) {
	ch, err := t.Tx.SaveCard(c, kind)
	if err == nil {
		*t.drawn++
		t.m.drawn.Add(1)
	}
	return ch, err
}
