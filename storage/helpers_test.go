package storage

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/weigong/weigong/catalog"
)

var ctx = context.Background()

// mustOpen opens a fresh database in t's temporary directory and, on
// cleanup, checks the file's consistency and closes it.
func mustOpen(t testing.TB) *DB {
	t.Helper()
	return mustOpenAt(t, filepath.Join(t.TempDir(), "weigong.db"))
}

// mustOpenAt opens the database at path with the same cleanup; closing it
// earlier (to reopen) is allowed. On the PostgreSQL run (engine_test.go)
// path names a fresh database, the same one each time the test opens it.
func mustOpenAt(t testing.TB, path string) *DB {
	t.Helper()
	if onPostgres {
		return mustOpenPostgres(t, path)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		err := db.Check()
		if errors.Is(err, bolt.ErrDatabaseNotOpen) {
			return // closed by the test, to reopen
		}
		if err != nil {
			t.Errorf("Check: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// idAt returns a UUIDv7 for time t with random low bits, so fixtures can
// spread IDs over any span of time and still sort by it.
func idAt(t time.Time) string {
	var u uuid.UUID
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(t.UnixMilli()))
	copy(u[:6], ms[2:])
	rand.Read(u[6:])
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// base is a fixed point in time for fixtures.
var base = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

// mustSupplier stores a supplier account and returns it.
func mustSupplier(t testing.TB, db *DB, handle string) catalog.Account {
	t.Helper()
	a := catalog.Account{ID: newID(), Role: catalog.RoleSupplier, Handle: handle, Name: "Supplier " + handle,
		CreatedAt: base, PasswordHash: []byte("hash"), FollowPolicy: catalog.PolicyOpen,
		Levels: []string{"standard", "gold"}, Badges: []string{"verified"}, Guarantees: []string{}}
	if err := db.CreateAccount(ctx, a); err != nil {
		t.Fatalf("CreateAccount(%s): %v", handle, err)
	}
	return a
}

// mustDistributor stores a distributor account and returns it.
func mustDistributor(t testing.TB, db *DB, handle string) catalog.Account {
	t.Helper()
	a := catalog.Account{ID: newID(), Role: catalog.RoleDistributor, Handle: handle, Name: handle, CreatedAt: base,
		PasswordHash: []byte("hash")}
	if err := db.CreateAccount(ctx, a); err != nil {
		t.Fatalf("CreateAccount(%s): %v", handle, err)
	}
	return a
}

// newCard returns a card of supplierID with the given ID and every field set.
func newCard(supplierID, id string) catalog.Card {
	floor := int64(1500)
	img := catalog.Image{ID: newID(), OwnerID: supplierID, Width: 1080, Height: 810, CreatedAt: base}
	return catalog.Card{ID: id, SupplierID: supplierID, Title: "连衣裙 " + id, Description: "夏季新款",
		Images: []catalog.Image{img}, Tags: []string{"女装"}, CostPrice: 1200, RetailPrice: 2900, FloorPrice: &floor,
		LevelPrices: map[string]int64{"gold": 1100}, VolumePrices: []catalog.VolumePrice{{MinQty: 10, Price: 1000}},
		CreatedAt: base, UpdatedAt: base}
}

// mustPublish saves a new card with ID id and returns it.
func mustPublish(t testing.TB, db *DB, supplierID, id string) catalog.Card {
	t.Helper()
	c := newCard(supplierID, id)
	if _, err := db.SaveCard(ctx, c, catalog.CardPublished); err != nil {
		t.Fatalf("SaveCard: %v", err)
	}
	return c
}

// wantCode fails unless err is a catalog error with the given code.
func wantCode(t testing.TB, err error, code catalog.Code) {
	t.Helper()
	if got := catalog.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %s), want code %s", err, got, code)
	}
}

// hostileIDs are IDs a client can put in a URL that must never match or
// panic.
var hostileIDs = []string{"", "../x", string(make([]byte, 200)), "not-a-uuid",
	"0190a0b0-0000-7000-8000-00000000000", "{0190a0b0-0000-7000-8000-000000000000}",
	"0190A0B0-0000-7000-8000-000000000000", "0190a0b000007000800000000000000000"}

// FeedCards returns the live cards of the given suppliers, newest first by
// card ID, strictly older than the card ID before ("" = from the newest):
// the timeline read of FeedPage on its own, for the tests and benchmarks
// of the merge (the server reads pages through FeedPage). Feeds are
// assembled on read from indexes kept per supplier and one
// global timeline (hybrid.go), never copied into per-distributor inboxes,
// so posting a card costs the same whatever the number of followers
// (docs/FEED.md). IDs that cannot be supplier IDs own no cards and are
// skipped.
func (db *DB) FeedCards(ctx context.Context, supplierIDs []string, before string, limit int) ([]catalog.Card, error) {
	bound, err := cardBound(before)
	if err != nil || limit <= 0 {
		return nil, err
	}
	return db.newestCards(ctx, newSupplierSet(supplierIDs), bound, limit)
}
