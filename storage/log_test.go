package storage

import (
	"context"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Ensure that Log reports the newest Seq and a stable, random ID, with no
// horizon before any pruning.
func TestDB_Log(t *testing.T) {
	db, other := mustOpen(t), mustOpen(t)
	info, err := db.Log(ctx)
	if err != nil || info.Last != 0 || info.Horizon != 0 || len(info.ID) != 16 {
		t.Fatalf("Log of a new database = %+v, %v", info, err)
	}
	if o, _ := other.Log(ctx); o.ID == info.ID {
		t.Fatal("two databases share a log ID")
	}
	s := mustSupplier(t, db, "factory")
	mustPublish(t, db, s.ID, newID())
	mustPublish(t, db, s.ID, newID())
	if got, _ := db.Log(ctx); got.Last != 2 || got.ID != info.ID {
		t.Fatalf("Log after two cards = %+v", got)
	}
}

// Ensure that pruning deletes exactly the changes older than the cutoff,
// from the log and from both kinds of index, raises the horizon to the
// last pruned Seq, and that replay by either strategy then starts after it.
func TestDB_PruneChanges_RaisesHorizon(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	d := newID()
	clock := base
	db.now = func() time.Time { clock = clock.Add(time.Hour); return clock }
	mustPublish(t, db, s.ID, newID())
	if _, err := db.SaveFollow(ctx, activeFollow(s.ID, d, base)); err != nil {
		t.Fatal(err)
	}
	mustPublish(t, db, s.ID, newID())
	cutoff := clock.Add(time.Minute) // after the first three changes
	mustPublish(t, db, s.ID, newID())

	n, err := db.PruneChanges(ctx, cutoff)
	if err != nil || n != 3 {
		t.Fatalf("PruneChanges = %d, %v; want 3", n, err)
	}
	if info, _ := db.Log(ctx); info.Horizon != 3 || info.Last != 4 {
		t.Fatalf("Log after prune = %+v; want horizon 3, last 4", info)
	}
	for name, budget := range strategies {
		db.budget = budget
		got, err := db.Changes(ctx, d, []string{s.ID}, 0, 10)
		if err != nil || len(got) != 1 || got[0].Seq != 4 {
			t.Fatalf("%s: Changes after prune = %+v, %v; want only Seq 4", name, got, err)
		}
	}
	if n, err := db.PruneChanges(ctx, cutoff); err != nil || n != 0 {
		t.Fatalf("second PruneChanges = %d, %v; want 0", n, err)
	}
}

// Ensure that pruning more than one batch works through every batch.
func TestDB_PruneChanges_ManyBatches(t *testing.T) {
	// 2,005 card writes in one transaction take minutes under -race on
	// PostgreSQL (a round trip per search posting read); the batching is
	// engine-independent code, and pruning itself runs on both engines
	// (TestDB_PruneChanges_RaisesHorizon).
	skipOnPostgres(t, "a 2,005-card transaction")
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	err := db.kv.update(context.Background(), func(tx kvTx) error {
		for range sweepBatch*2 + 5 {
			if _, err := db.saveCard(tx, newCard(s.ID, newID()), catalog.CardPublished); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.PruneChanges(ctx, time.Now().Add(time.Hour))
	if info, _ := db.Log(ctx); err != nil || n != sweepBatch*2+5 || info.Horizon != info.Last {
		t.Fatalf("PruneChanges = %d, %v; log %+v", n, err, info)
	}
}
