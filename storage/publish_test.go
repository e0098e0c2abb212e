package storage

import (
	"sync"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// Ensure that the publisher runs only after commit: inside the callback, a
// fresh read transaction already sees the card or follow it announces.
func TestDB_SaveCard_PublishesAfterCommit(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	d := mustDistributor(t, db, "shop")
	var seen []string
	db.SetPublisher(func(ch catalog.Change) {
		var err error
		if ch.Card != nil {
			var c catalog.Card
			c, err = db.Card(ctx, ch.Card.ID)
			if err == nil && c.Withdrawn != ch.Card.Withdrawn {
				t.Errorf("change %d published before its card was committed", ch.Seq)
			}
		} else {
			_, err = db.Follow(ctx, ch.Follow.SupplierID, ch.Follow.DistributorID)
		}
		if err != nil {
			t.Errorf("change %d (%s) published before commit: %v", ch.Seq, ch.Kind, err)
		}
		seen = append(seen, string(ch.Kind))
	})
	c := mustPublish(t, db, s.ID, newID())
	if _, err := db.SaveCard(ctx, c, catalog.CardWithdrawn); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveFollow(ctx, activeFollow(s.ID, d.ID, base)); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 {
		t.Fatalf("published %v; want 3 changes", seen)
	}
}

// Ensure that with 8 goroutines writing at once, changes are published in
// strictly increasing Seq order with no gap and none missing.
func TestDB_SaveCard_PublishesInSeqOrder(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	var mu sync.Mutex
	var seqs []uint64
	db.SetPublisher(func(ch catalog.Change) {
		mu.Lock()
		defer mu.Unlock()
		seqs = append(seqs, ch.Seq)
	})
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
	mu.Lock()
	defer mu.Unlock()
	if len(seqs) != writers*each {
		t.Fatalf("published %d changes; want %d", len(seqs), writers*each)
	}
	for i, seq := range seqs {
		if seq != uint64(i+1) {
			t.Fatalf("publication %d has Seq %d; want %d (order %v)", i, seq, i+1, seqs)
		}
	}
}

// Ensure that a write that fails publishes nothing and consumes no Seq.
func TestDB_SaveCard_FailedWritePublishesNothing(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	published := 0
	db.SetPublisher(func(catalog.Change) { published++ })
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
	if published != 1 {
		t.Fatalf("published %d changes; want only the first card's", published)
	}
	next := mustPublish(t, db, s.ID, newID())
	if info, _ := db.Log(ctx); info.Last != 2 || published != 2 {
		t.Fatalf("after failures, next card %s got Seq %d", next.ID, info.Last)
	}
}
