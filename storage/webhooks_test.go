package storage

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/weigong/weigong/feed/webhook"
)

// TestDB_WebhookSecretSealedAtRest ensures a webhook's signing secret is
// stored sealed with the secret key: the database file never holds it in
// clear, it reads back whole with the key, and without the key the
// webhook cannot be read (rather than read with a wrong secret).
func TestDB_WebhookSecretSealedAtRest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weigong.db")
	db := mustOpenAt(t, path)
	if err := db.UseSecretKey(bytes.Repeat([]byte{9}, SecretKeyLen)); err != nil {
		t.Fatal(err)
	}
	secret, _ := webhook.NewSecret()
	w := webhook.Webhook{ID: idAt(time.Now()), AccountID: idAt(time.Now()), URL: "https://example.com/h",
		Events: []string{"*"}, Secret: secret, Enabled: true}
	if err := db.CreateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	got, err := db.Webhook(ctx, w.ID)
	if err != nil || got.Secret != secret {
		t.Fatalf("read back: %q, %v", got.Secret, err)
	}
	if hooks, err := db.EnabledWebhooks(ctx); err != nil || len(hooks) != 1 || hooks[0].Secret != secret {
		t.Fatalf("EnabledWebhooks: %+v, %v", hooks, err)
	}
	db.Close()
	raw := rawContent(t, path)
	if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte(secret[len("whsec_"):])) {
		t.Fatal("the database file holds the signing secret in clear")
	}
	db = mustOpenAt(t, path)
	if _, err := db.Webhook(ctx, w.ID); err == nil {
		t.Fatal("without the key the webhook read back")
	}
}

// TestDB_PruneDeliveries ensures the sweep deletes deliveries that
// finished before the cutoff and keeps pending ones and later ones, and
// that a delivery retried by hand leaves the finished index.
func TestDB_PruneDeliveries(t *testing.T) {
	db := mustOpen(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w := webhook.Webhook{ID: idAt(t0), AccountID: idAt(t0), URL: "https://example.com/h", Events: []string{"*"},
		Secret: "whsec_AAAA", Enabled: true}
	if err := db.CreateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	mk := func(seq uint64) webhook.Delivery {
		return webhook.Delivery{ID: fmt.Sprintf("%016x%08x", seq, 0), WebhookID: w.ID, AccountID: w.AccountID, Seq: seq,
			Type: "ping", Payload: []byte(`{}`), State: webhook.Pending, NextAt: t0, CreatedAt: t0}
	}
	old, retried, recent, pending := mk(1), mk(2), mk(3), mk(4)
	if err := db.AddDeliveries(ctx, []webhook.Delivery{old, retried, recent, pending}); err != nil {
		t.Fatal(err)
	}
	finish := func(d webhook.Delivery, at time.Time) webhook.Delivery {
		d.State, d.Attempts = webhook.Succeeded, append(d.Attempts, webhook.Attempt{At: at, Status: 204})
		return d
	}
	old, retried, recent = finish(old, t0), finish(retried, t0), finish(recent, t0.Add(48*time.Hour))
	if err := db.SaveDeliveries(ctx, []webhook.Delivery{old, retried, recent}); err != nil {
		t.Fatal(err)
	}
	retried.State, retried.NextAt = webhook.Pending, t0.Add(time.Hour)
	if err := db.SaveDelivery(ctx, retried); err != nil {
		t.Fatal(err)
	}
	n, err := db.PruneDeliveries(ctx, t0.Add(24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("PruneDeliveries = %d, %v; want 1", n, err)
	}
	ds, _, err := db.Deliveries(ctx, w.ID, "", 10)
	if err != nil || len(ds) != 3 || ds[0].ID != pending.ID || ds[2].ID != retried.ID {
		t.Fatalf("left: %+v, %v", ds, err)
	}
}
