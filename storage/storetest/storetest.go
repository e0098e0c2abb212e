// Package storetest is the conformance suite of Weigong's stores: the
// promises the store interfaces of packages catalog, feed, share and
// feed/webhook make in their doc comments, checked against any backend.
// A store package runs it from its own tests with a factory that opens a
// fresh, empty store set:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Stores {
//			db := openFreshDB(t) // closed by t.Cleanup
//			return storetest.FromDB(db)
//		})
//	}
//
// Every rule is one subtest named after it, so a backend that breaks one
// promise fails with the promise's name, and one rule runs alone with
// go test -run 'TestConformance_Bolt/ChangeLog/Paging'. The suite only
// ever goes through the interfaces: what it needs beyond them (pruning
// the change log, reopening the database) is an optional field of Stores.
//
// The rules a store on a database with concurrent writers is most likely
// to break are under ConcurrentWriters (no change may become visible
// below a position a reader already passed: the log's tailers, a
// replaying client and Log().Last all start from such positions), and
// UnitOfWork/ConcurrentUpdatesLoseNoWrite and
// Idempotency/ConcurrentFirstUsesDoTheWorkOnce (units of work behave as
// if run one at a time). CommittedSeqsAreContiguous holds a store to a
// log without holes, so that tailers never wait out a Seq that will not
// come (feed.Tailer's gapGiveUp).
//
// Fixtures are built as the service builds them: UUIDv7 IDs in the order
// the objects were made, times at whole seconds or minutes, orders with a
// consignee the store seals with its secret key.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/webhook"
	"github.com/weigong/weigong/share"
)

// Stores is one backend's stores, all over the same database. The
// factory given to Run returns a fresh, empty set whose orders and
// webhooks can be written (its secret key set) and that is closed by the
// test's cleanup.
type Stores struct {
	Units    catalog.UnitOfWork
	Accounts catalog.AccountStore
	Sessions catalog.SessionStore
	Images   catalog.ImageStore
	Cards    catalog.CardStore
	Follows  catalog.FollowStore
	Orders   catalog.OrderStore
	Keys     catalog.KeyStore
	Search   catalog.SearchStore
	Feed     feed.Store
	Log      feed.ChangeLog
	Cursors  feed.CursorStore
	Shares   share.Store
	Webhooks webhook.Store

	// PruneChanges, when set, deletes the changes recorded before
	// olderThan and raises the log's horizon (storage.DB.PruneChanges);
	// the pruning rules are skipped without it.
	PruneChanges func(ctx context.Context, olderThan time.Time) (int, error)
	// Reopen, when set, closes these stores and opens the same database
	// again, as a restart would, returning the new set (with its own
	// Reopen); the durability rules are skipped without it.
	Reopen func() Stores
}

// DB is a backend that implements every store in one value, as
// storage.DB does.
type DB interface {
	catalog.UnitOfWork
	catalog.AccountStore
	catalog.SessionStore
	catalog.ImageStore
	catalog.CardStore
	catalog.FollowStore
	catalog.OrderStore
	catalog.KeyStore
	catalog.SearchStore
	feed.Store
	feed.ChangeLog
	feed.CursorStore
	share.Store
	webhook.Store
}

// FromDB returns the stores of a backend that implements them all, with
// PruneChanges if db has it.
func FromDB(db DB) Stores {
	s := Stores{Units: db, Accounts: db, Sessions: db, Images: db, Cards: db, Follows: db, Orders: db,
		Keys: db, Search: db, Feed: db, Log: db, Cursors: db, Shares: db, Webhooks: db}
	if p, ok := db.(interface {
		PruneChanges(ctx context.Context, olderThan time.Time) (int, error)
	}); ok {
		s.PruneChanges = p.PruneChanges
	}
	return s
}

// Run runs the whole suite; open is called once per subtest.
func Run(t *testing.T, open func(t *testing.T) Stores) {
	groups := []struct {
		name string
		run  func(t *testing.T, open func(t *testing.T) *fixture)
	}{
		{"UnitOfWork", testUnitOfWork},
		{"ChangeLog", testChangeLog},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Idempotency", testIdempotency},
		{"Accounts", testAccounts},
		{"Sessions", testSessions},
		{"Images", testImages},
		{"AppKeys", testAppKeys},
		{"Cards", testCards},
		{"Feed", testFeed},
		{"Search", testSearch},
		{"Follows", testFollows},
		{"Orders", testOrders},
		{"AfterSales", testAfterSales},
		{"RelayCursors", testRelayCursors},
		{"Durability", testDurability},
		{"Shares", testShares},
		{"Webhooks", testWebhooks},
		{"HostileIDs", testHostileIDs},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			g.run(t, func(t *testing.T) *fixture { return newFixture(t, open(t)) })
		})
	}
}

// waitLimit bounds every wait of the suite: a store that never answers
// fails the test instead of hanging it.
const waitLimit = 10 * time.Second

// base is the fixtures' fixed point in time.
var base = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// fixture builds valid objects in one store set. IDs are UUIDv7 whose
// time part grows by a millisecond per ID, so the order they were made in
// is their sort order, as it is for the service's own IDs.
type fixture struct {
	t   *testing.T
	ctx context.Context
	s   Stores
	n   atomic.Int64
}

func newFixture(t *testing.T, s Stores) *fixture {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return &fixture{t: t, ctx: ctx, s: s}
}

// id returns a fresh UUIDv7, later than every one before it.
func (f *fixture) id() string {
	id, _ := f.idAt()
	return id
}

// idAt returns a fresh UUIDv7 and the time it carries, to stamp the
// object it names with, so that newest first by ID and by time agree.
func (f *fixture) idAt() (string, time.Time) {
	n := f.n.Add(1)
	at := base.Add(time.Duration(n) * time.Millisecond)
	var u uuid.UUID
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(at.UnixMilli()))
	copy(u[:6], ms[2:])
	rand.Read(u[6:])
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	return u.String(), at
}

// seq returns a fresh small number, for handles and names.
func (f *fixture) seq() int64 { return f.n.Add(1) }

// update runs fn as a unit of work and fails the test if it fails.
func (f *fixture) update(fn func(tx catalog.Tx) error) {
	f.t.Helper()
	if err := f.s.Units.Update(f.ctx, fn); err != nil {
		f.t.Fatalf("Update: %v", err)
	}
}

// view runs fn in a read-only unit and fails the test if it fails.
func (f *fixture) view(fn func(tx catalog.Tx) error) {
	f.t.Helper()
	if err := f.s.Units.View(f.ctx, fn); err != nil {
		f.t.Fatalf("View: %v", err)
	}
}

func (f *fixture) newSupplier() catalog.Account {
	n := f.seq()
	return catalog.Account{ID: f.id(), Role: catalog.RoleSupplier, Handle: fmt.Sprintf("sup_%d", n),
		Name: fmt.Sprintf("Supplier %d", n), CreatedAt: base, PasswordHash: []byte("hash"),
		FollowPolicy: catalog.PolicyOpen, Levels: []string{"standard", "gold"}, Badges: []string{},
		Guarantees: []string{}, Version: 1}
}

func (f *fixture) newDistributor() catalog.Account {
	n := f.seq()
	return catalog.Account{ID: f.id(), Role: catalog.RoleDistributor, Handle: fmt.Sprintf("dist_%d", n),
		Name: fmt.Sprintf("Distributor %d", n), CreatedAt: base, PasswordHash: []byte("hash"), Version: 1}
}

// supplier stores a new supplier account.
func (f *fixture) supplier() catalog.Account {
	f.t.Helper()
	a := f.newSupplier()
	f.update(func(tx catalog.Tx) error { return tx.CreateAccount(a) })
	return a
}

// distributor stores a new distributor account.
func (f *fixture) distributor() catalog.Account {
	f.t.Helper()
	a := f.newDistributor()
	f.update(func(tx catalog.Tx) error { return tx.CreateAccount(a) })
	return a
}

// newCard returns a card of supplierID with every field set, not stored.
func (f *fixture) newCard(supplierID string) catalog.Card {
	floor, stock := int64(1500), int64(30)
	id, at := f.idAt()
	img := catalog.Image{ID: f.id(), OwnerID: supplierID, Width: 1080, Height: 810, CreatedAt: at}
	return catalog.Card{ID: id, SupplierID: supplierID, Title: "连衣裙 " + id[len(id)-6:], Description: "夏季新款",
		Images: []catalog.Image{img}, Tags: []string{"女装"}, CostPrice: 1200, RetailPrice: 2900, FloorPrice: &floor,
		LevelPrices: map[string]int64{"gold": 1100}, VolumePrices: []catalog.VolumePrice{{MinQty: 10, Price: 1000}},
		Stock: &stock, CreatedAt: at, UpdatedAt: at, Version: 1}
}

// card publishes a new card of supplierID and returns it with its change.
func (f *fixture) card(supplierID string) (catalog.Card, catalog.Change) {
	f.t.Helper()
	c := f.newCard(supplierID)
	var ch catalog.Change
	f.update(func(tx catalog.Tx) error {
		var err error
		ch, err = publish(tx, c)
		return err
	})
	return c, ch
}

// follow stores a follow in state and returns it with its change.
func (f *fixture) follow(supplierID, distributorID string, state catalog.FollowState, since time.Time) (catalog.Follow, catalog.Change) {
	f.t.Helper()
	fw := catalog.Follow{SupplierID: supplierID, DistributorID: distributorID, State: state, Level: "standard",
		ManualLevel: "standard", Since: since, Version: 1}
	var ch catalog.Change
	f.update(func(tx catalog.Tx) error {
		var err error
		ch, err = tx.SaveFollow(fw)
		return err
	})
	return fw, ch
}

// newOrder returns a submitted order of one line, not stored.
func (f *fixture) newOrder(supplierID, distributorID, cardID string, created time.Time) catalog.Order {
	return catalog.Order{ID: f.id(), SupplierID: supplierID, DistributorID: distributorID,
		Lines: []catalog.OrderLine{{Line: 1, CardID: cardID, Title: "连衣裙", Qty: 2, UnitPrice: 1200, Amount: 2400}},
		Total: 2400, Consignee: catalog.Consignee{Name: "张三", Phone: "13800138000", Province: "浙江省",
			City: "杭州市", District: "西湖区", Address: "文三路 90 号"},
		State: catalog.OrderSubmitted, Payment: catalog.PaymentUnpaid, Guarantees: []string{},
		CreatedAt: created, UpdatedAt: created, Version: 1}
}

// saveOrder stores o with a change of kind ("" for none).
func (f *fixture) saveOrder(o catalog.Order, kind catalog.ChangeKind) catalog.Change {
	f.t.Helper()
	var ch catalog.Change
	f.update(func(tx catalog.Tx) error {
		var err error
		ch, err = tx.SaveOrder(o, kind)
		return err
	})
	return ch
}

// logInfo reads the change log's description.
func (f *fixture) logInfo() feed.LogInfo {
	f.t.Helper()
	info, err := f.s.Log.Log(f.ctx)
	if err != nil {
		f.t.Fatalf("Log: %v", err)
	}
	return info
}

// logAfter reads every change of the log after seq, paging by 100.
func (f *fixture) logAfter(after uint64) []catalog.Change {
	f.t.Helper()
	var all []catalog.Change
	for {
		page, err := f.s.Log.LogChanges(f.ctx, after, 100)
		if err != nil {
			f.t.Fatalf("LogChanges(%d): %v", after, err)
		}
		all = append(all, page...)
		if len(page) < 100 {
			return all
		}
		after = page[len(page)-1].Seq
	}
}

// wantCode fails unless err is a catalog error with the given code.
func wantCode(t *testing.T, what string, err error, code catalog.Code) {
	t.Helper()
	if got := catalog.ErrorCode(err); got != code {
		t.Fatalf("%s: error = %v (code %q), want code %q", what, err, got, code)
	}
}

// noErr fails the test on err.
func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// ids returns the IDs of xs, by id.
func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func cardID(c catalog.Card) string       { return c.ID }
func orderID(o catalog.Order) string     { return o.ID }
func followDist(f catalog.Follow) string { return f.DistributorID }

// sameIDs fails unless got and want hold the same IDs in the same order.
func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s:\n got %v\nwant %v", what, got, want)
	}
}

// reversed returns xs newest first when they were made oldest first.
func reversed(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}

// pages reads every page of a cursor-paged list, limit per page, and
// returns the IDs in the order read. page returns the next page's cursor,
// "" on the last page: a cursor that leads to an empty page (the last page
// was exactly full), a page over limit, or paging that does not end,
// fails the test.
func pages[T any](t *testing.T, what string, limit int, id func(T) string, page func(before string) ([]T, string, error)) []string {
	t.Helper()
	return readPages(t, what, limit, id, page, true)
}

// pagesMayEndEmpty is pages for lists whose last page may come back
// empty: those without a next cursor (untilEmpty), and searches whose
// budget ran out before the page filled.
func pagesMayEndEmpty[T any](t *testing.T, what string, limit int, id func(T) string, page func(before string) ([]T, string, error)) []string {
	t.Helper()
	return readPages(t, what, limit, id, page, false)
}

func readPages[T any](t *testing.T, what string, limit int, id func(T) string, page func(before string) ([]T, string, error), strict bool) []string {
	t.Helper()
	var got []string
	before := ""
	for n := 0; n < 50; n++ {
		items, next, err := page(before)
		noErr(t, what, err)
		if len(items) > limit {
			t.Fatalf("%s (limit %d) returned %d", what, limit, len(items))
		}
		if strict && before != "" && len(items) == 0 {
			t.Fatalf("%s: the cursor %q after a full page led to an empty page; the full page should have had no cursor", what, before)
		}
		got = append(got, ids(items, id)...)
		if next == "" {
			return got
		}
		before = next
	}
	t.Fatalf("%s: paging does not end", what)
	return nil
}

// untilEmpty adapts a list whose cursor is its last card's ID, and that
// has no next cursor, to pages: it pages until a page comes back empty.
func untilEmpty(list func(before string) ([]catalog.Card, error)) func(before string) ([]catalog.Card, string, error) {
	return func(before string) ([]catalog.Card, string, error) {
		cs, err := list(before)
		if len(cs) == 0 {
			return cs, "", err
		}
		return cs, cs[len(cs)-1].ID, err
	}
}

// oneWinner fails unless exactly one of errs (concurrent attempts at
// one thing) is nil and every other is a catalog error with code lose.
func oneWinner(t *testing.T, what string, errs []error, lose catalog.Code) {
	t.Helper()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case catalog.ErrorCode(err) != lose:
			t.Errorf("%s: a loser got %v, want code %s", what, err, lose)
		}
	}
	if won != 1 {
		t.Fatalf("%s: %d of %d concurrent attempts succeeded, want 1", what, won, len(errs))
	}
}

// publish stores c's photos, as their uploads do before a card names
// them, and saves c with a card.published change.
func publish(tx catalog.Tx, c catalog.Card) (catalog.Change, error) {
	for _, img := range c.Images {
		if err := tx.CreateImage(img); err != nil {
			return catalog.Change{}, err
		}
	}
	return tx.SaveCard(c, catalog.CardPublished)
}
