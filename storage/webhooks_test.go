package storage

import (
	"bytes"
	"os"
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
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte(secret[len("whsec_"):])) {
		t.Fatal("the database file holds the signing secret in clear")
	}
	db = mustOpenAt(t, path)
	if _, err := db.Webhook(ctx, w.ID); err == nil {
		t.Fatal("without the key the webhook read back")
	}
}
