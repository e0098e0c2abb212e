package storage

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Ensure that a unit of work commits everything it wrote or nothing: a card,
// its change and an idempotency record written by one fn that then fails
// leave no trace, consume no Seq and wake no tailer.
func TestDB_Update_RollsBackEverything(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	wake := db.Changed()
	c := newCard(s.ID, newID())
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx catalog.Tx) error {
		if _, err := tx.SaveCard(c, catalog.CardPublished); err != nil {
			return err
		}
		if err := tx.SaveIdempotencyRecord(s.ID, "k1", catalog.IdempotencyRecord{Fingerprint: "f", CreatedAt: base}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v; want the fn's error", err)
	}
	if _, err := db.Card(ctx, c.ID); catalog.ErrorCode(err) != catalog.NotFound {
		t.Fatalf("card of a rolled-back unit of work: %v", err)
	}
	_ = db.View(ctx, func(tx catalog.Tx) error {
		if _, found, _ := tx.IdempotencyRecord(s.ID, "k1"); found {
			t.Error("idempotency record of a rolled-back unit of work was kept")
		}
		return nil
	})
	if info, _ := db.Log(ctx); info.Last != 0 {
		t.Fatalf("log ends at %d after a rollback; want 0", info.Last)
	}
	select {
	case <-wake:
		t.Fatal("a rolled-back unit of work woke the tailers")
	default:
	}
}

// Ensure that a committed unit of work that appended a change wakes the
// tailers, and that the change is readable by then.
func TestDB_Update_WakesTailersAfterCommit(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	wake := db.Changed()
	c := mustPublish(t, db, s.ID, newID())
	select {
	case <-wake:
	case <-time.After(5 * time.Second):
		t.Fatal("a commit that appended a change did not wake the tailers")
	}
	got, err := db.LogChanges(ctx, 0, 10)
	if err != nil || len(got) != 1 || got[0].Card.ID != c.ID || got[0].Supplier == nil {
		t.Fatalf("LogChanges = %+v, %v; want the card's change with its publisher", got, err)
	}
	if got[0].Supplier.Ref.Handle != "factory" {
		t.Fatalf("publisher = %+v", got[0].Supplier)
	}
}

// Ensure that with 8 goroutines writing at once, the log holds every change
// with Seqs 1..N and no gap, which is what lets a tailer treat a gap as
// pruning on bbolt.
func TestDB_LogChanges_ConcurrentWritersLeaveNoGap(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	const writers, each = 8, 20
	var wg sync.WaitGroup
	for w := range writers {
		d := mustDistributor(t, db, "shop"+string(rune('a'+w)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var err error
				if i%4 == 3 {
					_, err = db.SaveFollow(ctx, activeFollow(s.ID, d.ID, base))
				} else {
					_, err = db.SaveCard(ctx, newCard(s.ID, newID()), catalog.CardPublished)
				}
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	got, err := db.LogChanges(ctx, 0, 1000)
	if err != nil || len(got) != writers*each {
		t.Fatalf("LogChanges = %d changes, %v; want %d", len(got), err, writers*each)
	}
	for i, c := range got {
		if c.Seq != uint64(i+1) {
			t.Fatalf("change %d has Seq %d; want %d", i, c.Seq, i+1)
		}
	}
	if more, _ := db.LogChanges(ctx, 150, 5); len(more) != 5 || more[0].Seq != 151 {
		t.Fatalf("LogChanges(after 150, 5) = %d changes from %d", len(more), more[0].Seq)
	}
}

// Ensure that a write which fails consumes no Seq, so the next change
// continues the log without a gap.
func TestDB_SaveCard_FailedWriteConsumesNoSeq(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	c := mustPublish(t, db, s.ID, newID())
	if _, err := db.SaveCard(ctx, c, catalog.CardPublished); err == nil {
		t.Fatal("duplicate publish succeeded")
	}
	if _, err := db.SaveCard(ctx, newCard(newID(), newID()), catalog.CardPublished); err == nil {
		t.Fatal("card of an unknown supplier was saved")
	}
	none := activeFollow(s.ID, newID(), base)
	none.State = catalog.StateNone
	if _, err := db.SaveFollow(ctx, none); err == nil {
		t.Fatal("removing a follow that does not exist succeeded")
	}
	mustPublish(t, db, s.ID, newID())
	if info, _ := db.Log(ctx); info.Last != 2 {
		t.Fatalf("after failures, the next card got Seq %d; want 2", info.Last)
	}
}

// Ensure that a change carries what a frame needs of its supplier and never
// the account's secrets: Publisher has no field for them, and the change
// returned by the write is built from the stored account.
func TestDB_SaveCard_ChangeCarriesPublisherOnly(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	ch, err := db.SaveCard(ctx, newCard(s.ID, newID()), catalog.CardPublished)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Supplier == nil || ch.Supplier.Ref.ID != s.ID || len(ch.Supplier.Levels) == 0 {
		t.Fatalf("change's publisher = %+v", ch.Supplier)
	}
}

// Ensure that relay cursors round-trip and are kept per name.
func TestDB_RelayCursor_RoundTrip(t *testing.T) {
	db := mustOpen(t)
	if _, found, err := db.RelayCursor(ctx, "webhooks"); err != nil || found {
		t.Fatalf("new cursor found = %v, %v", found, err)
	}
	if err := db.SaveRelayCursor(ctx, "webhooks", 42); err != nil {
		t.Fatal(err)
	}
	if seq, found, err := db.RelayCursor(ctx, "webhooks"); err != nil || !found || seq != 42 {
		t.Fatalf("cursor = %d, %v, %v; want 42", seq, found, err)
	}
	if _, found, _ := db.RelayCursor(ctx, "nats"); found {
		t.Fatal("another name's cursor was found")
	}
}
