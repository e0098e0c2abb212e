package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"image/color"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/weigong/weigong/feed/jetstream"
	"github.com/weigong/weigong/storage"
	"github.com/weigong/weigong/storage/pgtest"
)

// envTestStore switches every node the harness starts to PostgreSQL:
// WEIGONG_TEST_STORE=postgres go test ./cmd/weigong/ runs the API suite
// with each data directory's database in a fresh pgtest database.
const envTestStore = "WEIGONG_TEST_STORE"

// pgStores maps data directories to their databases, so that a test that
// restarts a node on the same directory finds the same database.
var pgStores sync.Map

// onTestPostgres reports whether the harness runs nodes on PostgreSQL.
func onTestPostgres() bool { return os.Getenv(envTestStore) == "postgres" }

// usePostgres points cfg at the PostgreSQL database of its data directory
// and at the test binary's NATS server, as a node of a cluster runs.
func usePostgres(t *testing.T, cfg *serveConfig) {
	t.Helper()
	cfg.Store = pgDataStore(t, cfg.Data)
	if cfg.Bus == "" {
		cfg.Bus = testBus(t)
	}
}

// pgServeFlags returns the flags that put a child `weigong serve` on data
// on PostgreSQL and NATS, as usePostgres does for in-process nodes: none
// when the harness runs on bbolt or the test chose its own --store.
func pgServeFlags(t *testing.T, data string, flags []string) []string {
	t.Helper()
	if !onTestPostgres() || slices.Contains(flags, "--store") {
		return nil
	}
	return []string{"--store", pgDataStore(t, data), "--bus", testBus(t)}
}

// pgDataStore returns the URL of the database of a data directory,
// created on first use, and gives the directory a secret key file (a
// shared database needs one from the operator; child processes read it
// there too).
func pgDataStore(t *testing.T, data string) string {
	t.Helper()
	url, ok := pgStores.Load(data)
	if !ok {
		url, _ = pgStores.LoadOrStore(data, pgtest.NewDatabase(t))
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(data, secretKeyFile)
	if _, err := os.Stat(path); os.IsNotExist(err) {
		// A random key, as a node on bbolt makes: a test that tries a
		// wrong key must not hit this one by chance.
		key := hex.EncodeToString(pgRandomKey(t))
		if err := os.WriteFile(path, []byte(key), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return url.(string)
}

func pgRandomKey(t *testing.T) []byte {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return key
}

// dataArgs returns the flags that name a data directory's database to a
// maintenance command: --data, and --store when the harness put it on
// PostgreSQL.
func dataArgs(data string) []string {
	if url, ok := pgStores.Load(data); ok {
		return []string{"--data", data, "--store", url.(string)}
	}
	return []string{"--data", data}
}

// sharedBus is the one embedded NATS JetStream server every node of a
// WEIGONG_TEST_STORE=postgres run uses, started on first use and stopped
// by TestMain. Nodes on different databases do not mix: each log has its
// own stream (jetstream.StreamConfig.LogID).
var sharedBus struct {
	once sync.Once
	dir  string
	srv  *server.Server
	err  error
}

// testBus returns the URL of the shared NATS server.
func testBus(t *testing.T) string {
	t.Helper()
	b := &sharedBus
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "weigong-nats-"); b.err != nil {
			return
		}
		b.srv, b.err = jetstream.RunServer(jetstream.ServerConfig{Addr: "127.0.0.1:0", Dir: b.dir})
	})
	if b.err != nil {
		t.Fatalf("shared NATS server: %v", b.err)
	}
	return "nats://" + b.srv.Addr().String()
}

// stopTestBus stops the shared NATS server, if a test started it.
func stopTestBus() {
	b := &sharedBus
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
}

// Ensure that two nodes on one PostgreSQL database are one service: a
// supplier on one node posts a card, a distributor on the other follows
// and reads it in their feed and in their event list, and only one node
// at a time runs the singletons.
func TestServe_PostgresTwoNodes(t *testing.T) {
	url := pgtest.NewDatabase(t)
	t.Setenv("WEIGONG_SECRET_KEY", hex.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
	onPG := func(cfg *serveConfig) { cfg.Store = url }
	a := startNode(t, t.TempDir(), onPG)
	b := startNode(t, t.TempDir(), onPG)

	sup := a.signUp("supplier", "pg_sup")
	dist := b.signUp("distributor", "pg_dist")
	b.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	card := a.createCard(sup.Token, nil, a.uploadImage(sup.Token, color.RGBA{200, 0, 0, 255}))
	var feed cardList
	b.must(200, "GET", "/v1/feed", dist.Token, nil).decode(t, &feed)
	if len(feed.Items) != 1 || feed.Items[0].ID != card.ID || feed.Items[0].Prices == nil || feed.Items[0].Prices.Cost != 5000 {
		t.Fatalf("feed on the other node = %+v", feed.Items)
	}
	// Both nodes answer for the same account.
	a.must(200, "GET", "/v1/me", dist.Token, nil)
	b.mustError(409, "conflict", "POST", "/v1/accounts", "", map[string]string{"role": "supplier", "handle": "pg_sup", "password": "password123", "name": "x"})
}

// Ensure that a node on a shared database refuses to start without a
// secret key from the operator, and that a node with another key than the
// one the database was written with is refused.
func TestServe_PostgresSecretKey(t *testing.T) {
	url := pgtest.NewDatabase(t)
	cfg := serveConfig{Addr: "127.0.0.1:0", Data: t.TempDir(), Store: url}
	t.Setenv("WEIGONG_SECRET_KEY", "") // restored after the test
	os.Unsetenv("WEIGONG_SECRET_KEY")
	if _, err := openNode(cfg, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "same secret key on every node") {
		t.Fatalf("openNode without a key = %v", err)
	}
	t.Setenv("WEIGONG_SECRET_KEY", strings.Repeat("11", 32))
	n, err := openNode(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	n.db.Close()
	t.Setenv("WEIGONG_SECRET_KEY", strings.Repeat("22", 32))
	if _, err := openNode(cfg, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "not the secret key") {
		t.Fatalf("openNode with another key = %v", err)
	}
}

// Ensure that --store takes a postgres:// URL (flag or WEIGONG_STORE) and
// refuses anything else with a clear error, the default being bbolt.
func TestConfig_Store(t *testing.T) {
	cfg, err := parseServeFlags(nil)
	if err != nil || cfg.Store != "" {
		t.Fatalf("default store = %q, %v", cfg.Store, err)
	}
	cfg, err = parseServeFlags([]string{"--store", "postgres://u@127.0.0.1/db"})
	if err != nil || cfg.Store != "postgres://u@127.0.0.1/db" {
		t.Fatalf("--store postgres = %q, %v", cfg.Store, err)
	}
	t.Setenv("WEIGONG_STORE", "postgresql://h/db")
	if cfg, err = parseServeFlags(nil); err != nil || cfg.Store != "postgresql://h/db" {
		t.Fatalf("WEIGONG_STORE = %q, %v", cfg.Store, err)
	}
	for _, bad := range []string{"mysql://h/db", "./data/weigong.db", "bbolt"} {
		if _, err := parseServeFlags([]string{"--store", bad}); err == nil || !strings.Contains(err.Error(), "postgres://") {
			t.Errorf("--store %q = %v", bad, err)
		}
	}
}

// openDataStore opens the database of a data directory that a stopped
// node used, on the engine the harness gave it.
func openDataStore(t *testing.T, data string) *storage.DB {
	t.Helper()
	var db *storage.DB
	var err error
	if url, ok := pgStores.Load(data); ok {
		db, err = storage.OpenPostgres(context.Background(), url.(string))
	} else {
		db, err = storage.Open(dbPath(data))
	}
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// storeContent returns every byte the database of a data directory holds:
// the bbolt file, or every key and value of its PostgreSQL database, for
// tests that prove a secret is not stored in clear.
func storeContent(t *testing.T, data string) []byte {
	t.Helper()
	url, ok := pgStores.Load(data)
	if !ok {
		raw, err := os.ReadFile(dbPath(data))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	conn, err := pgx.Connect(context.Background(), url.(string))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var raw []byte
	err = conn.QueryRow(context.Background(), "select coalesce(string_agg(key || value, ''::bytea), ''::bytea) from kv").Scan(&raw)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestHarness_PostgresRunPutsEveryNodeOnPostgres guards the hook itself:
// on the PostgreSQL run, nodes started in process and as child binaries
// keep nothing in a bbolt file, so the suite really tests PostgreSQL. On
// the bbolt run it checks the opposite.
func TestHarness_PostgresRunPutsEveryNodeOnPostgres(t *testing.T) {
	inProcess := t.TempDir()
	n := startNode(t, inProcess)
	n.signUp("supplier", "hook_check_a")
	n.Stop()
	child := t.TempDir()
	p := rstStart(t, weigongBinary(t), child)
	p.signUp(t, "supplier", "hook_check_b")
	p.kill(t)
	for _, data := range []string{inProcess, child} {
		_, err := os.Stat(dbPath(data))
		switch {
		case onTestPostgres() && err == nil:
			t.Errorf("%s: a bbolt file on the PostgreSQL run", data)
		case !onTestPostgres() && err != nil:
			t.Errorf("%s: no bbolt file on the bbolt run: %v", data, err)
		}
	}
}
