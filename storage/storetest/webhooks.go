package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed/webhook"
)

func (f *fixture) newWebhook(accountID string) webhook.Webhook {
	id, at := f.idAt()
	return webhook.Webhook{ID: id, AccountID: accountID, URL: "https://erp.example.com/hook",
		Events: []string{"order.*", "card.published"}, Description: "ERP", Secret: "whsec_" + f.id()[:8],
		Enabled: true, CreatedAt: at, UpdatedAt: at}
}

// newDelivery returns a pending delivery of w for the change seq, with
// the ID the fan-out gives it.
func newDelivery(w webhook.Webhook, seq uint64, next time.Time) webhook.Delivery {
	return webhook.Delivery{ID: fmt.Sprintf("%016x%08x", seq, 0), WebhookID: w.ID, AccountID: w.AccountID, Seq: seq,
		Type: "card.published", Payload: []byte(`{"type":"card.published","data":{}}`), State: webhook.Pending,
		NextAt: next, CreatedAt: base}
}

func deliveryID(d webhook.Delivery) string { return d.ID }

func testWebhooks(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("WebhookReadsBackWithItsSecret", func(t *testing.T) {
		f := open(t)
		w := f.newWebhook(f.distributor().ID)
		noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, w))
		got, err := f.s.Webhooks.Webhook(f.ctx, w.ID)
		noErr(t, "Webhook", err)
		sameObject(t, "Webhook", got, w)
		wantCode(t, "CreateWebhook again", f.s.Webhooks.CreateWebhook(f.ctx, w), catalog.Conflict)
		_, err = f.s.Webhooks.Webhook(f.ctx, f.id())
		wantCode(t, "an unknown webhook", err, catalog.NotFound)
	})

	t.Run("ListsOldestFirstAndEnabled", func(t *testing.T) {
		f := open(t)
		a, b := f.distributor(), f.distributor()
		w1, w2, wb := f.newWebhook(a.ID), f.newWebhook(a.ID), f.newWebhook(b.ID)
		w2.Enabled, w2.DisabledReason = false, "410"
		for _, w := range []webhook.Webhook{w1, w2, wb} {
			noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, w))
		}
		list, err := f.s.Webhooks.AccountWebhooks(f.ctx, a.ID)
		noErr(t, "AccountWebhooks", err)
		sameIDs(t, "AccountWebhooks", ids(list, func(w webhook.Webhook) string { return w.ID }), []string{w1.ID, w2.ID})
		enabled, err := f.s.Webhooks.EnabledWebhooks(f.ctx)
		noErr(t, "EnabledWebhooks", err)
		got := ids(enabled, func(w webhook.Webhook) string { return w.ID })
		slices.Sort(got)
		want := []string{w1.ID, wb.ID}
		slices.Sort(want)
		sameIDs(t, "EnabledWebhooks (any order)", got, want)
	})

	t.Run("UpdateReplacesAndDeleteRemovesDeliveries", func(t *testing.T) {
		f := open(t)
		w := f.newWebhook(f.distributor().ID)
		noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, w))
		w.URL, w.Enabled, w.DisabledReason, w.UpdatedAt = "https://new.example.com/h", false, "endpoint answered 410", base.Add(time.Hour)
		noErr(t, "UpdateWebhook", f.s.Webhooks.UpdateWebhook(f.ctx, w))
		got, err := f.s.Webhooks.Webhook(f.ctx, w.ID)
		if err != nil || got.URL != w.URL || got.Enabled || got.DisabledReason != w.DisabledReason {
			t.Fatalf("after UpdateWebhook: %+v, %v", got, err)
		}
		if enabled, _ := f.s.Webhooks.EnabledWebhooks(f.ctx); len(enabled) != 0 {
			t.Fatalf("a disabled webhook is listed as enabled")
		}
		wantCode(t, "UpdateWebhook of an unknown webhook", f.s.Webhooks.UpdateWebhook(f.ctx, f.newWebhook(w.AccountID)), catalog.NotFound)
		d := newDelivery(w, 1, base)
		noErr(t, "AddDeliveries", f.s.Webhooks.AddDeliveries(f.ctx, []webhook.Delivery{d}))
		noErr(t, "DeleteWebhook", f.s.Webhooks.DeleteWebhook(f.ctx, w.ID))
		_, err = f.s.Webhooks.Webhook(f.ctx, w.ID)
		wantCode(t, "Webhook after delete", err, catalog.NotFound)
		_, err = f.s.Webhooks.Delivery(f.ctx, w.ID, d.ID)
		wantCode(t, "Delivery of a deleted webhook", err, catalog.NotFound)
		if due, err := f.s.Webhooks.DueDeliveries(f.ctx, w.ID, base.Add(time.Hour), 10); err != nil || len(due) != 0 {
			t.Fatalf("DueDeliveries of a deleted webhook = %d, %v", len(due), err)
		}
		if list, _ := f.s.Webhooks.AccountWebhooks(f.ctx, w.AccountID); len(list) != 0 {
			t.Fatalf("AccountWebhooks after delete = %d", len(list))
		}
		wantCode(t, "DeleteWebhook again", f.s.Webhooks.DeleteWebhook(f.ctx, w.ID), catalog.NotFound)
	})

	t.Run("AddingADeliveryTwiceKeepsTheFirst", func(t *testing.T) {
		f := open(t)
		w := f.newWebhook(f.distributor().ID)
		noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, w))
		d := newDelivery(w, 7, base)
		noErr(t, "AddDeliveries", f.s.Webhooks.AddDeliveries(f.ctx, []webhook.Delivery{d}))
		d.State, d.Attempts = webhook.Succeeded, []webhook.Attempt{{At: base, Status: 204}}
		noErr(t, "SaveDelivery", f.s.Webhooks.SaveDelivery(f.ctx, d))
		again := newDelivery(w, 7, base)
		noErr(t, "AddDeliveries again", f.s.Webhooks.AddDeliveries(f.ctx, []webhook.Delivery{again, newDelivery(w, 8, base)}))
		got, err := f.s.Webhooks.Delivery(f.ctx, w.ID, d.ID)
		if err != nil || got.State != webhook.Succeeded || len(got.Attempts) != 1 {
			t.Fatalf("after adding it again: %+v, %v; want the first, succeeded", got, err)
		}
		if _, err := f.s.Webhooks.Delivery(f.ctx, w.ID, newDelivery(w, 8, base).ID); err != nil {
			t.Fatalf("the new delivery of the batch: %v", err)
		}
	})

	t.Run("ConcurrentAddsOfOneDeliveryStoreOne", func(t *testing.T) {
		// Two nodes' tailers may hand the same change on at once (at
		// least once): both adds succeed and one delivery is stored.
		f := open(t)
		w := f.newWebhook(f.distributor().ID)
		noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, w))
		batch := []webhook.Delivery{newDelivery(w, 1, base), newDelivery(w, 2, base), newDelivery(w, 3, base)}
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := f.s.Webhooks.AddDeliveries(f.ctx, batch); err != nil {
					t.Errorf("AddDeliveries: %v", err)
				}
			}()
		}
		wg.Wait()
		got := pages(t, "Deliveries", 10, deliveryID, func(before string) ([]webhook.Delivery, string, error) {
			return f.s.Webhooks.Deliveries(f.ctx, w.ID, before, 10)
		})
		sameIDs(t, "Deliveries after concurrent adds", got, reversed(ids(batch, deliveryID)))
		due, err := f.s.Webhooks.DueDeliveries(f.ctx, w.ID, base, 10)
		if err != nil || len(due) != len(batch) {
			t.Fatalf("DueDeliveries after concurrent adds = %d, %v; want %d", len(due), err, len(batch))
		}
	})

	t.Run("DeliveriesNewestFirstWithPaging", func(t *testing.T) {
		f := open(t)
		w, other := f.newWebhook(f.distributor().ID), f.newWebhook(f.distributor().ID)
		noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, w))
		noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, other))
		var ds []webhook.Delivery
		for seq := uint64(1); seq <= 5; seq++ {
			ds = append(ds, newDelivery(w, seq*10, base))
		}
		noErr(t, "AddDeliveries", f.s.Webhooks.AddDeliveries(f.ctx, ds))
		noErr(t, "AddDeliveries", f.s.Webhooks.AddDeliveries(f.ctx, []webhook.Delivery{newDelivery(other, 15, base)}))
		got := pages(t, "Deliveries", 2, deliveryID, func(before string) ([]webhook.Delivery, string, error) {
			return f.s.Webhooks.Deliveries(f.ctx, w.ID, before, 2)
		})
		sameIDs(t, "Deliveries", got, reversed(ids(ds, deliveryID)))
	})

	t.Run("DueDeliveriesSoonestFirstPendingOnly", func(t *testing.T) {
		f := open(t)
		w, other := f.newWebhook(f.distributor().ID), f.newWebhook(f.distributor().ID)
		noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, w))
		noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, other))
		if _, ok, err := f.s.Webhooks.NextDue(f.ctx, w.ID); ok || err != nil {
			t.Fatalf("NextDue with no deliveries: %v, %v", ok, err)
		}
		late, early, mid, done := newDelivery(w, 1, base.Add(3*time.Minute)), newDelivery(w, 2, base.Add(time.Minute)),
			newDelivery(w, 3, base.Add(2*time.Minute)), newDelivery(w, 4, base)
		done.State = webhook.Failed
		noErr(t, "AddDeliveries", f.s.Webhooks.AddDeliveries(f.ctx, []webhook.Delivery{late, early, mid, done}))
		noErr(t, "AddDeliveries", f.s.Webhooks.AddDeliveries(f.ctx, []webhook.Delivery{newDelivery(other, 5, base)}))
		due, err := f.s.Webhooks.DueDeliveries(f.ctx, w.ID, base.Add(2*time.Minute), 10)
		noErr(t, "DueDeliveries", err)
		sameIDs(t, "DueDeliveries", ids(due, deliveryID), []string{early.ID, mid.ID})
		due, err = f.s.Webhooks.DueDeliveries(f.ctx, w.ID, base.Add(time.Hour), 2)
		noErr(t, "DueDeliveries", err)
		sameIDs(t, "DueDeliveries(limit 2)", ids(due, deliveryID), []string{early.ID, mid.ID})
		if next, ok, err := f.s.Webhooks.NextDue(f.ctx, w.ID); err != nil || !ok || !next.Equal(early.NextAt) {
			t.Fatalf("NextDue = %v, %v, %v; want %v", next, ok, err, early.NextAt)
		}
		// A retry moves early behind late; success takes mid off the agenda.
		early.NextAt, early.Attempts = base.Add(time.Hour), []webhook.Attempt{{At: base.Add(time.Minute), Status: 500}}
		mid.State, mid.Attempts = webhook.Succeeded, []webhook.Attempt{{At: base.Add(2 * time.Minute), Status: 200}}
		noErr(t, "SaveDeliveries", f.s.Webhooks.SaveDeliveries(f.ctx, []webhook.Delivery{early, mid}))
		due, err = f.s.Webhooks.DueDeliveries(f.ctx, w.ID, base.Add(2*time.Hour), 10)
		noErr(t, "DueDeliveries", err)
		sameIDs(t, "DueDeliveries after a retry and a success", ids(due, deliveryID), []string{late.ID, early.ID})
		if next, ok, err := f.s.Webhooks.NextDue(f.ctx, w.ID); err != nil || !ok || !next.Equal(late.NextAt) {
			t.Fatalf("NextDue = %v, %v, %v; want %v", next, ok, err, late.NextAt)
		}
		early.Attempts[0].LatencyMS, early.Attempts[0].Error = 1250, "HTTP 500"
		noErr(t, "SaveDelivery", f.s.Webhooks.SaveDelivery(f.ctx, early))
		got, err := f.s.Webhooks.Delivery(f.ctx, w.ID, early.ID)
		noErr(t, "Delivery", err)
		sameObject(t, "Delivery", got, early)
	})
}
