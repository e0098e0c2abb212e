package storetest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/share"
)

func testRelayCursors(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("SavedPositionReadsBackPerName", func(t *testing.T) {
		f := open(t)
		if _, ok, err := f.s.Cursors.RelayCursor(f.ctx, "webhooks"); ok || err != nil {
			t.Fatalf("RelayCursor before any save: %v, %v", ok, err)
		}
		noErr(t, "SaveRelayCursor", f.s.Cursors.SaveRelayCursor(f.ctx, "webhooks", 41))
		noErr(t, "SaveRelayCursor", f.s.Cursors.SaveRelayCursor(f.ctx, "broker", 7))
		noErr(t, "SaveRelayCursor", f.s.Cursors.SaveRelayCursor(f.ctx, "webhooks", 42))
		for name, want := range map[string]uint64{"webhooks": 42, "broker": 7} {
			got, ok, err := f.s.Cursors.RelayCursor(f.ctx, name)
			if err != nil || !ok || got != want {
				t.Errorf("RelayCursor(%s) = %d, %v, %v; want %d", name, got, ok, err, want)
			}
		}
		noErr(t, "SaveRelayCursor(0)", f.s.Cursors.SaveRelayCursor(f.ctx, "fresh", 0))
		if got, ok, err := f.s.Cursors.RelayCursor(f.ctx, "fresh"); err != nil || !ok || got != 0 {
			t.Errorf("a saved 0 reads %d, %v, %v; want found", got, ok, err)
		}
	})
}

// newShareID returns a share ID of the service's shape (share.ValidShareID).
func newShareID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (f *fixture) newShare(dist catalog.Account, card catalog.Card, created time.Time) share.Share {
	return share.Share{ID: newShareID(), DistributorID: dist.ID, CardID: card.ID, SupplierID: card.SupplierID,
		Text: "好看", Price: 3900, CreatedAt: created, Watermark: true}
}

func (f *fixture) createShare(s share.Share) {
	f.t.Helper()
	noErr(f.t, "UpdateShares", f.s.Shares.UpdateShares(f.ctx, func(tx share.Tx) error { return tx.CreateShare(s) }))
}

// storedShare stores a share of a new distributor's of a new card.
func (f *fixture) storedShare() (catalog.Account, share.Share) {
	f.t.Helper()
	dist := f.distributor()
	card, _ := f.card(f.supplier().ID)
	s := f.newShare(dist, card, base)
	f.createShare(s)
	return dist, s
}

func testShares(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("CreatedShareReadsBack", func(t *testing.T) {
		f := open(t)
		sup, dist := f.supplier(), f.distributor()
		card, _ := f.card(sup.ID)
		s := f.newShare(dist, card, base)
		f.createShare(s)
		got, err := f.s.Shares.Share(f.ctx, s.ID)
		noErr(t, "Share", err)
		sameObject(t, "Share", got, s)
		err = f.s.Shares.ViewShares(f.ctx, func(tx share.Tx) error {
			ref, err := tx.ShareRef(s.ID)
			if err != nil || ref.ID != s.ID || ref.DistributorID != dist.ID || ref.CardID != card.ID || ref.Price != s.Price {
				t.Errorf("ShareRef = %+v, %v", ref, err)
			}
			_, err = tx.ShareRef(newShareID())
			wantCode(t, "ShareRef of an unknown share", err, catalog.NotFound)
			return nil
		})
		noErr(t, "ViewShares", err)
	})

	t.Run("ExistingIDIsAConflict", func(t *testing.T) {
		f := open(t)
		_, s := f.storedShare()
		again := s
		again.Text = "again"
		err := f.s.Shares.UpdateShares(f.ctx, func(tx share.Tx) error { return tx.CreateShare(again) })
		wantCode(t, "CreateShare again", err, catalog.Conflict)
		if got, _ := f.s.Shares.Share(f.ctx, s.ID); got.Text != s.Text {
			t.Fatalf("the share was overwritten: %+v", got)
		}
	})

	t.Run("FailedUnitLeavesNoShare", func(t *testing.T) {
		f := open(t)
		dist := f.distributor()
		card, _ := f.card(f.supplier().ID)
		s := f.newShare(dist, card, base)
		err := f.s.Shares.UpdateShares(f.ctx, func(tx share.Tx) error {
			if err := tx.CreateShare(s); err != nil {
				return err
			}
			if err := tx.SaveIdempotencyRecord(dist.ID, "k", catalog.IdempotencyRecord{Fingerprint: "x", CreatedAt: base}); err != nil {
				return err
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("UpdateShares = %v, want fn's error", err)
		}
		_, err = f.s.Shares.Share(f.ctx, s.ID)
		wantCode(t, "Share after a rollback", err, catalog.NotFound)
		if list, _, err := f.s.Shares.DistributorShares(f.ctx, dist.ID, "", 10); err != nil || len(list) != 0 {
			t.Fatalf("DistributorShares after a rollback = %d, %v", len(list), err)
		}
		f.view(func(tx catalog.Tx) error {
			if _, ok, _ := tx.IdempotencyRecord(dist.ID, "k"); ok {
				t.Error("the idempotency record of a rolled-back share unit is there")
			}
			return nil
		})
	})

	t.Run("DistributorSharesNewestFirstWithPaging", func(t *testing.T) {
		f := open(t)
		dist, other := f.distributor(), f.distributor()
		card, _ := f.card(f.supplier().ID)
		var want []string
		for i := 0; i < 5; i++ {
			s := f.newShare(dist, card, base.Add(time.Duration(i)*time.Minute))
			f.createShare(s)
			want = append(want, s.ID)
		}
		f.createShare(f.newShare(other, card, base.Add(time.Hour)))
		got := pages(t, "DistributorShares", 2, func(s share.Share) string { return s.ID }, func(before string) ([]share.Share, string, error) {
			return f.s.Shares.DistributorShares(f.ctx, dist.ID, before, 2)
		})
		sameIDs(t, "DistributorShares", got, reversed(want))
	})

	t.Run("DeletedShareIsGone", func(t *testing.T) {
		f := open(t)
		dist, s := f.storedShare()
		noErr(t, "DeleteShare", f.s.Shares.DeleteShare(f.ctx, s.ID))
		_, err := f.s.Shares.Share(f.ctx, s.ID)
		wantCode(t, "Share after delete", err, catalog.NotFound)
		if list, _, err := f.s.Shares.DistributorShares(f.ctx, dist.ID, "", 10); err != nil || len(list) != 0 {
			t.Fatalf("DistributorShares after delete = %d, %v", len(list), err)
		}
		wantCode(t, "DeleteShare again", f.s.Shares.DeleteShare(f.ctx, s.ID), catalog.NotFound)
	})

	t.Run("ConcurrentViewsAndSalesAddUp", func(t *testing.T) {
		// Nodes flush their view counts and record sales at the same
		// time: no increment may be lost.
		f := open(t)
		_, s := f.storedShare()
		const racers, each = 4, 5
		var wg sync.WaitGroup
		for i := 0; i < racers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < each; j++ {
					if err := f.s.Shares.AddViews(f.ctx, map[string]int64{s.ID: 2}); err != nil {
						t.Errorf("AddViews: %v", err)
						return
					}
					if err := f.s.Shares.UpdateShares(f.ctx, func(tx share.Tx) error { return tx.AddShareSale(s.ID, 1, 100) }); err != nil {
						t.Errorf("AddShareSale: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		got, err := f.s.Shares.Share(f.ctx, s.ID)
		if n := int64(racers * each); err != nil || got.Views != 2*n || got.Orders != n || got.Sales != 100*n {
			t.Fatalf("after %d concurrent rounds: views %d orders %d sales %d, %v", n, got.Views, got.Orders, got.Sales, err)
		}
	})

	t.Run("ViewsAndSalesAddUp", func(t *testing.T) {
		f := open(t)
		dist := f.distributor()
		card, _ := f.card(f.supplier().ID)
		a, b, gone := f.newShare(dist, card, base), f.newShare(dist, card, base.Add(time.Minute)), f.newShare(dist, card, base.Add(2*time.Minute))
		for _, s := range []share.Share{a, b, gone} {
			f.createShare(s)
		}
		noErr(t, "DeleteShare", f.s.Shares.DeleteShare(f.ctx, gone.ID))
		noErr(t, "AddViews", f.s.Shares.AddViews(f.ctx, map[string]int64{a.ID: 3, b.ID: 1}))
		noErr(t, "AddViews", f.s.Shares.AddViews(f.ctx, map[string]int64{a.ID: 2, gone.ID: 5, newShareID(): 1}))
		noErr(t, "UpdateShares", f.s.Shares.UpdateShares(f.ctx, func(tx share.Tx) error {
			if err := tx.AddShareSale(a.ID, 1, 3900); err != nil {
				return err
			}
			return tx.AddShareSale(a.ID, 2, 7800)
		}))
		got, err := f.s.Shares.Share(f.ctx, a.ID)
		if err != nil || got.Views != 5 || got.Orders != 3 || got.Sales != 11700 {
			t.Fatalf("share a = views %d orders %d sales %d, %v; want 5, 3, 11700", got.Views, got.Orders, got.Sales, err)
		}
		if got, _ := f.s.Shares.Share(f.ctx, b.ID); got.Views != 1 {
			t.Fatalf("share b views = %d, want 1", got.Views)
		}
		if _, err := f.s.Shares.Share(f.ctx, gone.ID); catalog.ErrorCode(err) != catalog.NotFound {
			t.Fatalf("AddViews brought a deleted share back: %v", err)
		}
		err = f.s.Shares.UpdateShares(f.ctx, func(tx share.Tx) error { return tx.AddShareSale(newShareID(), 1, 1) })
		wantCode(t, "AddShareSale of an unknown share", err, catalog.NotFound)
	})
}
