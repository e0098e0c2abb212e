package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed/webhook"
)

func testDurability(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("CommittedWritesSurviveReopen", func(t *testing.T) {
		f := open(t)
		if f.s.Reopen == nil {
			t.Skip("this backend offers no Reopen")
		}
		sup, dist := f.supplier(), f.distributor()
		card, _ := f.card(sup.ID)
		f.follow(sup.ID, dist.ID, catalog.StateActive, base)
		o := f.newOrder(sup.ID, dist.ID, card.ID, base)
		f.saveOrder(o, catalog.OrderSubmittedChange)
		rec := catalog.IdempotencyRecord{Fingerprint: "fp", Result: []byte(`{}`), CreatedAt: base}
		f.update(func(tx catalog.Tx) error { return tx.SaveIdempotencyRecord(dist.ID, "k", rec) })
		sess := catalog.Session{TokenHash: "h" + f.id(), AccountID: dist.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		noErr(t, "CreateSession", f.s.Sessions.CreateSession(f.ctx, sess))
		key := catalog.AppKey{ID: f.id(), AccountID: dist.ID, Name: "erp", Scopes: []catalog.Scope{catalog.ScopeFeedRead},
			Hash: "kh" + f.id(), CreatedAt: base}
		noErr(t, "CreateAppKey", f.s.Keys.CreateAppKey(f.ctx, key))
		sh := f.newShare(dist, card, base)
		f.createShare(sh)
		hook := f.newWebhook(dist.ID)
		noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, hook))
		noErr(t, "AddDeliveries", f.s.Webhooks.AddDeliveries(f.ctx, []webhook.Delivery{newDelivery(hook, 3, base)}))
		noErr(t, "SaveRelayCursor", f.s.Cursors.SaveRelayCursor(f.ctx, "webhooks", 2))
		before := f.logInfo()
		beforeSeqs := seqs(f.logAfter(0))

		f.s = f.s.Reopen()

		after := f.logInfo()
		if after.ID != before.ID || after.Last != before.Last || after.Horizon != before.Horizon {
			t.Errorf("Log() = %+v after reopening, was %+v", after, before)
		}
		if got := seqs(f.logAfter(0)); !slices.Equal(got, beforeSeqs) {
			t.Errorf("the log holds %v after reopening, held %v", got, beforeSeqs)
		}
		if _, err := f.s.Accounts.AccountByHandle(f.ctx, sup.Handle); err != nil {
			t.Errorf("supplier: %v", err)
		}
		if _, err := f.s.Cards.Card(f.ctx, card.ID); err != nil {
			t.Errorf("card: %v", err)
		}
		if _, err := f.s.Follows.Follow(f.ctx, sup.ID, dist.ID); err != nil {
			t.Errorf("follow: %v", err)
		}
		f.view(func(tx catalog.Tx) error {
			if got, err := tx.Order(o.ID); err != nil || got.Consignee != o.Consignee {
				t.Errorf("order: %+v, %v", got.Consignee, err)
			}
			if _, ok, err := tx.IdempotencyRecord(dist.ID, "k"); !ok || err != nil {
				t.Errorf("idempotency record: %v, %v", ok, err)
			}
			return nil
		})
		if _, err := f.s.Sessions.Session(f.ctx, sess.TokenHash); err != nil {
			t.Errorf("session: %v", err)
		}
		if _, err := f.s.Keys.AppKeyByHash(f.ctx, key.Hash); err != nil {
			t.Errorf("app key: %v", err)
		}
		if _, err := f.s.Shares.Share(f.ctx, sh.ID); err != nil {
			t.Errorf("share: %v", err)
		}
		if got, err := f.s.Webhooks.Webhook(f.ctx, hook.ID); err != nil || got.Secret != hook.Secret {
			t.Errorf("webhook: %v", err)
		}
		if due, err := f.s.Webhooks.DueDeliveries(f.ctx, hook.ID, base, 10); err != nil || len(due) != 1 {
			t.Errorf("due deliveries: %d, %v", len(due), err)
		}
		if pos, ok, err := f.s.Cursors.RelayCursor(f.ctx, "webhooks"); err != nil || !ok || pos != 2 {
			t.Errorf("relay cursor: %d, %v, %v", pos, ok, err)
		}
		found, _, err := f.s.Search.SearchCards(f.ctx, catalog.CardSearch{SupplierIDs: []string{sup.ID}, Limit: 10,
			Keep: func(catalog.Card, *catalog.Publisher) bool { return true }})
		if err != nil || len(found) != 1 {
			t.Errorf("search after reopening: %d cards, %v", len(found), err)
		}
		_, ch := f.card(sup.ID)
		if ch.Seq <= before.Last {
			t.Errorf("the first Seq after reopening is %d, not above %d", ch.Seq, before.Last)
		}
	})
}
