// Package feedtest builds small worlds of suppliers, distributors, follows
// and cards for the feed tests. It talks to the stores only through their
// interfaces, so the same tests can run on the in-memory double or on the
// bbolt storage package.
package feedtest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/storage"
)

// Stores is every store the feed tests touch, with the one-write-each
// helpers that both the in-memory double and the bbolt store offer.
type Stores interface {
	feed.Store
	catalog.AccountStore
	catalog.CardStore
	catalog.FollowStore
	CreateAccount(ctx context.Context, a catalog.Account) error
	SaveCard(ctx context.Context, c catalog.Card, kind catalog.ChangeKind) (catalog.Change, error)
	SaveFollow(ctx context.Context, f catalog.Follow) (catalog.Change, error)
}

// World creates accounts, follows and cards in Stores, failing the test on
// any store error. Its methods may be called from several goroutines, but
// those that fail the test must run on the test's goroutine.
type World struct {
	T      testing.TB
	Stores Stores
}

var bg = context.Background()

// Supplier creates a supplier with the given levels, lowest first.
func (w World) Supplier(handle string, levels ...string) catalog.Account {
	w.T.Helper()
	if len(levels) == 0 {
		levels = []string{catalog.DefaultLevel}
	}
	a := catalog.Account{ID: NewID(), Role: catalog.RoleSupplier, Handle: handle, Name: handle,
		FollowPolicy: catalog.PolicyOpen, Levels: levels, CreatedAt: time.Now().UTC()}
	if err := w.Stores.CreateAccount(bg, a); err != nil {
		w.T.Fatalf("creating supplier: %v", err)
	}
	return a
}

// Distributor creates a distributor.
func (w World) Distributor(handle string) catalog.Account {
	w.T.Helper()
	a := catalog.Account{ID: NewID(), Role: catalog.RoleDistributor, Handle: handle, Name: handle, CreatedAt: time.Now().UTC()}
	if err := w.Stores.CreateAccount(bg, a); err != nil {
		w.T.Fatalf("creating distributor: %v", err)
	}
	return a
}

// Follow sets the distributor's follow of the supplier (StateNone removes it).
func (w World) Follow(s, d catalog.Account, state catalog.FollowState, level string) catalog.Change {
	w.T.Helper()
	f := catalog.Follow{SupplierID: s.ID, DistributorID: d.ID, State: state, Level: level, Since: time.Now().UTC()}
	c, err := w.Stores.SaveFollow(bg, f)
	if err != nil {
		w.T.Fatalf("saving follow: %v", err)
	}
	return c
}

// Post publishes a card of s with the given base cost and level prices; the
// retail price is 3000 fen.
func (w World) Post(s catalog.Account, cost int64, levels map[string]int64) catalog.Card {
	w.T.Helper()
	c := NewCard(s, cost, levels)
	w.Save(c, catalog.CardPublished)
	return c
}

// Save stores c with a change of the given kind.
func (w World) Save(c catalog.Card, kind catalog.ChangeKind) catalog.Change {
	w.T.Helper()
	ch, err := w.Stores.SaveCard(bg, c, kind)
	if err != nil {
		w.T.Fatalf("saving card: %v", err)
	}
	return ch
}

// NewCard returns a valid card of s that is not stored yet.
func NewCard(s catalog.Account, cost int64, levels map[string]int64) catalog.Card {
	now := time.Now().UTC()
	id := NewID()
	return catalog.Card{ID: id, SupplierID: s.ID, Title: "card " + id[len(id)-6:],
		Images:    []catalog.Image{{ID: NewID(), OwnerID: s.ID, Width: 1080, Height: 1080}},
		CostPrice: cost, RetailPrice: 3000, LevelPrices: levels, CreatedAt: now, UpdatedAt: now}
}

// NewID returns a time-ordered ID, like the catalog's.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// OpenBolt opens a real bbolt store in t's temporary directory, for the
// feed packages' tests, and checks its consistency (storage.DB.Check)
// when the test ends.
func OpenBolt(t testing.TB) *storage.DB {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "weigong.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("Check: %v", err)
		}
		db.Close()
	})
	return db
}
