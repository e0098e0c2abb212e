package main

import (
	"image/color"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// openTestNode opens (not serves) a node on data, for start-up checks,
// on the database the harness gave data.
func openTestNode(t *testing.T, data string) (*node, error) {
	t.Helper()
	cfg := serveConfig{Data: data}
	if url, ok := pgStores.Load(data); ok {
		cfg.Store = url.(string)
	}
	n, err := openNode(cfg, slog.New(slog.NewTextHandler(&syncBuffer{}, nil)))
	if err == nil {
		t.Cleanup(func() { n.db.Close() })
	}
	return n, err
}

// TestSecretKey_Lifecycle ensures that the key that encrypts consignees is
// created on first start as a 0600 file beside the database, reused on the
// next, and that a missing or wrong key is a clear start-up error once the
// database holds encrypted data, never a new key that opens nothing.
func TestSecretKey_Lifecycle(t *testing.T) {
	data := t.TempDir()
	n := startNode(t, data)
	path := filepath.Join(data, secretKeyFile)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no key file after the first start: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v; want 0600", info.Mode().Perm())
	}
	key, _ := os.ReadFile(path)
	sup, dist := n.signUp("supplier", "key_sup"), n.signUp("distributor", "key_dist")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	card := n.createCard(sup.Token, nil, n.uploadImage(sup.Token, color.RGBA{1, 1, 1, 255}))
	var o struct{ ID string }
	n.must(201, "POST", "/v1/orders", dist.Token, map[string]any{"lines": []map[string]any{{"card_id": card.ID, "qty": 1}},
		"consignee": map[string]string{"name": "王五", "phone": "13900001111", "province": "p", "city": "c", "district": "d", "address": "a"}}).decode(t, &o)
	n.Stop()

	again := startNode(t, data)
	if got, _ := os.ReadFile(path); string(got) != string(key) {
		t.Fatal("the key file changed on restart")
	}
	if body := string(again.must(200, "GET", "/v1/orders/"+o.ID, dist.Token, nil).Body); !strings.Contains(body, "13900001111") {
		t.Fatalf("after restart the order detail cannot show the consignee: %s", body)
	}
	again.Stop()

	t.Run("missing key file", func(t *testing.T) {
		if err := os.Rename(path, path+".moved"); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(path+".moved", path)
		_, err := openTestNode(t, data)
		if err == nil || !strings.Contains(err.Error(), "missing") {
			t.Fatalf("start without the key file = %v; want a clear error", err)
		}
		if _, statErr := os.Stat(path); statErr == nil {
			t.Fatal("a new key file was made for a database that needs the old one")
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		t.Setenv("WEIGONG_SECRET_KEY", strings.Repeat("ab", 32))
		_, err := openTestNode(t, data)
		if err == nil || !strings.Contains(err.Error(), "not the secret key") {
			t.Fatalf("start with a wrong key = %v; want a clear error", err)
		}
	})
	t.Run("malformed key", func(t *testing.T) {
		t.Setenv("WEIGONG_SECRET_KEY", "too-short")
		if _, err := openTestNode(t, data); err == nil || !strings.Contains(err.Error(), "WEIGONG_SECRET_KEY") {
			t.Fatalf("start with a malformed key = %v", err)
		}
	})
}
