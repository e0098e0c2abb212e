package storetest

import (
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

func testChangeLog(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("SeqsIncreaseOldestFirst", func(t *testing.T) {
		f := open(t)
		sup, dist := f.supplier(), f.distributor()
		start := f.logInfo().Last
		var want []uint64
		c, ch := f.card(sup.ID)
		want = append(want, ch.Seq)
		c.Title = "改价"
		f.update(func(tx catalog.Tx) error {
			ch, err := tx.SaveCard(c, catalog.CardUpdated)
			want = append(want, ch.Seq)
			return err
		})
		_, ch = f.follow(sup.ID, dist.ID, catalog.StateActive, base)
		want = append(want, ch.Seq)
		ch = f.saveOrder(f.newOrder(sup.ID, dist.ID, c.ID, base), catalog.OrderSubmittedChange)
		want = append(want, ch.Seq)
		for i := 1; i < len(want); i++ {
			if want[i] <= want[i-1] {
				t.Fatalf("Seqs returned by the writes are not increasing: %v", want)
			}
		}
		if want[0] <= start {
			t.Fatalf("first Seq %d is not above the log's Last %d before it", want[0], start)
		}
		got := f.logAfter(start)
		if len(got) != len(want) {
			t.Fatalf("LogChanges returned %d changes, want %d", len(got), len(want))
		}
		kinds := []catalog.ChangeKind{catalog.CardPublished, catalog.CardUpdated, catalog.FollowChanged, catalog.OrderSubmittedChange}
		for i, c := range got {
			if c.Seq != want[i] || c.Kind != kinds[i] || c.SupplierID != sup.ID {
				t.Errorf("change %d = seq %d %s of %s, want seq %d %s of %s", i, c.Seq, c.Kind, c.SupplierID, want[i], kinds[i], sup.ID)
			}
		}
		if info := f.logInfo(); info.Last != want[len(want)-1] {
			t.Errorf("Log().Last = %d, want %d", info.Last, want[len(want)-1])
		}
	})

	t.Run("SavesReturnTheChangeTheyAppended", func(t *testing.T) {
		f := open(t)
		sup, dist := f.supplier(), f.distributor()
		c, ch := f.card(sup.ID)
		if ch.Kind != catalog.CardPublished || ch.SupplierID != sup.ID || ch.Card == nil || ch.Card.ID != c.ID ||
			ch.Supplier == nil || ch.Supplier.Ref.Handle != sup.Handle {
			t.Errorf("SaveCard change = %+v", ch)
		}
		_, ch = f.follow(sup.ID, dist.ID, catalog.StatePending, base)
		if ch.Kind != catalog.FollowChanged || ch.Follow == nil || ch.Follow.DistributorID != dist.ID || ch.Follow.State != catalog.StatePending {
			t.Errorf("SaveFollow change = %+v", ch)
		}
		o := f.newOrder(sup.ID, dist.ID, c.ID, base)
		ch = f.saveOrder(o, catalog.OrderSubmittedChange)
		if ch.Kind != catalog.OrderSubmittedChange || ch.DistributorID != dist.ID || ch.Order == nil || ch.Order.ID != o.ID {
			t.Errorf("SaveOrder change = %+v", ch)
		}
		got := f.logAfter(ch.Seq - 1)
		if len(got) != 1 || got[0].Order == nil || got[0].Order.ID != o.ID || got[0].DistributorID != dist.ID {
			t.Errorf("the log's order change = %+v", got)
		}
		var fr catalog.Change
		f.update(func(tx catalog.Tx) error {
			var err error
			fr, err = tx.FollowRequested(catalog.Follow{SupplierID: sup.ID, DistributorID: dist.ID, State: catalog.StatePending})
			return err
		})
		if fr.Kind != catalog.FollowRequested || fr.Seq <= ch.Seq || fr.SupplierID != sup.ID ||
			fr.Requester == nil || fr.Requester.ID != dist.ID {
			t.Errorf("FollowRequested change = %+v", fr)
		}
	})

	t.Run("OrderWithoutKindAppendsNothing", func(t *testing.T) {
		f := open(t)
		sup, dist := f.supplier(), f.distributor()
		c, _ := f.card(sup.ID)
		before := f.logInfo().Last
		f.saveOrder(f.newOrder(sup.ID, dist.ID, c.ID, base), "")
		if got := f.logAfter(before); len(got) != 0 {
			t.Fatalf("SaveOrder with kind \"\" appended %d changes", len(got))
		}
	})

	t.Run("Paging", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		start := f.logInfo().Last
		var want []uint64
		for i := 0; i < 7; i++ {
			_, ch := f.card(sup.ID)
			want = append(want, ch.Seq)
		}
		var got []uint64
		after := start
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			page, err := f.s.Log.LogChanges(f.ctx, after, 3)
			noErr(t, "LogChanges", err)
			if len(page) > 3 {
				t.Fatalf("LogChanges(limit 3) returned %d", len(page))
			}
			if len(page) == 0 {
				break
			}
			for _, c := range page {
				if c.Seq <= after {
					t.Fatalf("LogChanges(after %d) returned Seq %d", after, c.Seq)
				}
				got = append(got, c.Seq)
			}
			after = page[len(page)-1].Seq
		}
		if len(got) != len(want) {
			t.Fatalf("paged Seqs %v, want %v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("paged Seqs %v, want %v", got, want)
			}
		}
		if page, err := f.s.Log.LogChanges(f.ctx, want[len(want)-1], 10); err != nil || len(page) != 0 {
			t.Fatalf("LogChanges(after Last) = %d changes, %v", len(page), err)
		}
	})

	t.Run("CommittedSeqsAreContiguous", func(t *testing.T) {
		// Units that drew a Seq and rolled back leave no hole: a tailer
		// never has to wait for a Seq that will not come.
		f := open(t)
		sup := f.supplier()
		start := f.logInfo().Last
		for i := 0; i < 6; i++ {
			if i%2 == 1 {
				err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
					if _, err := publish(tx, f.newCard(sup.ID)); err != nil {
						return err
					}
					return errAbort
				})
				if err != errAbort {
					t.Fatalf("Update = %v, want errAbort", err)
				}
				continue
			}
			f.card(sup.ID)
		}
		got := f.logAfter(start)
		if len(got) != 3 {
			t.Fatalf("log holds %d changes, want the 3 committed", len(got))
		}
		for i, c := range got {
			if c.Seq != start+uint64(i)+1 {
				t.Fatalf("Seqs after %d: %v, want contiguous", start, seqs(got))
			}
		}
		if info := f.logInfo(); info.Last != got[2].Seq {
			t.Fatalf("Log().Last = %d, want %d", info.Last, got[2].Seq)
		}
	})

	t.Run("CardChangesCarryTheCardAsItIsNow", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		c, ch := f.card(sup.ID)
		c.Title, c.Version = "新标题", 2
		f.update(func(tx catalog.Tx) error { _, err := tx.SaveCard(c, catalog.CardUpdated); return err })
		sup.Name, sup.Version = "Renamed", 2
		f.update(func(tx catalog.Tx) error { return tx.UpdateAccount(sup) })
		got := f.logAfter(ch.Seq - 1)
		if len(got) != 2 {
			t.Fatalf("log holds %d changes, want 2", len(got))
		}
		for _, g := range got {
			if g.Card == nil || g.Card.Title != "新标题" || g.Supplier == nil || g.Supplier.Ref.Name != "Renamed" {
				t.Fatalf("change %d (%s) carries %+v of %+v, want the card and supplier as they are now", g.Seq, g.Kind, g.Card, g.Supplier)
			}
		}
	})

	t.Run("ChangedFiresAfterACommitThatAppends", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		for i := 0; i < 3; i++ {
			wake := f.s.Log.Changed()
			f.card(sup.ID)
			select {
			case <-wake:
			case <-time.After(waitLimit):
				t.Fatalf("Changed() not closed %s after commit %d appended", waitLimit, i)
			}
		}
	})

	t.Run("LogID", func(t *testing.T) {
		f := open(t)
		first := f.logInfo()
		f.card(f.supplier().ID)
		again := f.logInfo()
		if first.ID == "" || again.ID != first.ID {
			t.Fatalf("Log().ID = %q then %q, want one non-empty ID", first.ID, again.ID)
		}
		if fs, err := f.s.Feed.Log(f.ctx); err != nil || fs != again {
			t.Fatalf("feed.Store.Log = %+v, %v; ChangeLog.Log = %+v", fs, err, again)
		}
		other := open(t).logInfo()
		if other.ID == first.ID {
			t.Fatalf("two databases share the log ID %q", first.ID)
		}
	})

	t.Run("PruningRaisesTheHorizon", func(t *testing.T) {
		f := open(t)
		if f.s.PruneChanges == nil {
			t.Skip("this backend offers no PruneChanges")
		}
		sup, dist := f.supplier(), f.distributor()
		f.follow(sup.ID, dist.ID, catalog.StateActive, base)
		for i := 0; i < 2; i++ {
			f.card(sup.ID)
		}
		before := f.logInfo()
		if before.Horizon != 0 {
			t.Fatalf("Horizon = %d before any pruning", before.Horizon)
		}
		n, err := f.s.PruneChanges(f.ctx, time.Now().Add(time.Hour))
		noErr(t, "PruneChanges", err)
		if n != 3 {
			t.Fatalf("PruneChanges deleted %d, want 3", n)
		}
		after := f.logInfo()
		if after.Horizon != before.Last || after.Last != before.Last {
			t.Fatalf("after pruning: %+v, want Horizon = Last = %d", after, before.Last)
		}
		if got := f.logAfter(0); len(got) != 0 {
			t.Fatalf("pruned changes still read: %v", seqs(got))
		}
		if got, err := f.s.Feed.Changes(f.ctx, dist.ID, []string{sup.ID}, 0, 100); err != nil || len(got) != 0 {
			t.Fatalf("pruned changes still replayed: %v, %v", seqs(got), err)
		}
		_, ch := f.card(sup.ID)
		if ch.Seq != before.Last+1 {
			t.Fatalf("the next Seq after pruning = %d, want %d", ch.Seq, before.Last+1)
		}
	})
}

func seqs(cs []catalog.Change) []uint64 {
	out := make([]uint64, len(cs))
	for i, c := range cs {
		out[i] = c.Seq
	}
	return out
}
