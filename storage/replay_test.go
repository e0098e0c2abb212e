package storage

import (
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// replayFixture fills db with a random history of card and follow changes
// by several suppliers and two distributors, and returns every change as
// the log's tailers read it, in order.
func replayFixture(t *testing.T, db *DB, suppliers []catalog.Account, dists []string) []catalog.Change {
	t.Helper()
	info, err := db.Log(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var live []catalog.Card
	for range 300 {
		s := suppliers[rng.IntN(len(suppliers))]
		var err error
		switch op := rng.IntN(20); {
		case op < 10 || len(live) == 0:
			c := newCard(s.ID, newID())
			_, err = db.SaveCard(ctx, c, catalog.CardPublished)
			live = append(live, c)
		case op < 13:
			i := rng.IntN(len(live))
			live[i].Title += "+"
			_, err = db.SaveCard(ctx, live[i], catalog.CardUpdated)
		case op < 15:
			i := rng.IntN(len(live))
			_, err = db.SaveCard(ctx, live[i], catalog.CardWithdrawn)
			live = slices.Delete(live, i, i+1)
		default:
			err = randomFollowChange(db, rng, s.ID, dists[rng.IntN(len(dists))])
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	log, err := db.LogChanges(ctx, info.Last, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// randomFollowChange creates a follow, or moves an existing one to another
// state (none included).
func randomFollowChange(db *DB, rng *rand.Rand, supplierID, distributorID string) error {
	f, err := db.Follow(ctx, supplierID, distributorID)
	if catalog.ErrorCode(err) == catalog.NotFound {
		_, err = db.SaveFollow(ctx, activeFollow(supplierID, distributorID, base))
		return err
	}
	states := []catalog.FollowState{catalog.StateActive, catalog.StatePending, catalog.StateBlocked, catalog.StateNone}
	f.State, f.Level = states[rng.IntN(len(states))], []string{"standard", "gold"}[rng.IntN(2)]
	_, err = db.SaveFollow(ctx, f)
	return err
}

// strategies force feed reads and replays to scan only, merge only, switch
// from scanning to merging after a few entries, or choose by themselves.
var strategies = map[string]func(sources int) uint64{
	"scan":           func(int) uint64 { return math.MaxUint64 },
	"merge":          func(int) uint64 { return 0 },
	"switch after 1": func(int) uint64 { return 1 },
	"switch after 7": func(int) uint64 { return 7 },
	"auto":           nil,
}

// Ensure that Changes, with each strategy forced and with the automatic
// choice, equals a brute-force filter of the published log for every after
// from before the start to past the end and for several limits, and that
// card changes carry the card and supplier as they are now.
func TestDB_Changes_MatchesBruteForce(t *testing.T) {
	db := mustOpen(t)
	var suppliers []catalog.Account
	for i := range 6 {
		suppliers = append(suppliers, mustSupplier(t, db, "supplier"+string(rune('a'+i))))
	}
	d, e := newID(), newID()
	log := replayFixture(t, db, suppliers, []string{d, e})
	renamed := suppliers[0]
	renamed.Name = "Renamed after the fact"
	if err := db.UpdateAccount(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	followed := []string{suppliers[0].ID, suppliers[2].ID, suppliers[3].ID, suppliers[3].ID, "junk"}
	last := uint64(len(log))
	afters := []uint64{0, 1, 2, 50, 150, last - 2, last - 1, last, last + 1, math.MaxUint64}
	for _, name := range slices.Sorted(maps.Keys(strategies)) {
		db.budget = strategies[name]
		for _, after := range afters {
			for _, limit := range []int{1, 5, 1000} {
				got, err := db.Changes(ctx, d, followed, after, limit)
				if err != nil {
					t.Fatal(err)
				}
				want := bruteChanges(log, d, followed, after, limit)
				checkChanges(t, db, name, got, want)
			}
		}
	}
}

// bruteChanges filters the whole published log.
func bruteChanges(log []catalog.Change, dist string, suppliers []string, after uint64, limit int) []catalog.Change {
	var out []catalog.Change
	for _, ch := range log {
		mine := ch.Follow != nil && ch.Follow.DistributorID == dist ||
			ch.Card != nil && slices.Contains(suppliers, ch.SupplierID)
		if ch.Seq > after && mine && len(out) < limit {
			out = append(out, ch)
		}
	}
	return out
}

// checkChanges compares replayed changes with the published ones; card
// changes must carry the card and supplier as stored now.
func checkChanges(t *testing.T, db *DB, strategy string, got, want []catalog.Change) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d changes; want %d", strategy, len(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		if g.Seq != w.Seq || g.Kind != w.Kind || g.SupplierID != w.SupplierID || !g.At.Equal(w.At) {
			t.Fatalf("%s: change %d = %d %s %s; want %d %s %s", strategy, i, g.Seq, g.Kind, g.SupplierID, w.Seq, w.Kind, w.SupplierID)
		}
		if w.Follow != nil {
			if g.Card != nil || !reflect.DeepEqual(*g.Follow, *w.Follow) {
				t.Fatalf("change %d follow = %+v; want %+v", g.Seq, g.Follow, w.Follow)
			}
			continue
		}
		card, _ := db.Card(ctx, w.Card.ID)
		supplier, _ := db.Account(ctx, w.SupplierID)
		if g.Follow != nil || !reflect.DeepEqual(*g.Card, card) || !reflect.DeepEqual(*g.Supplier, *supplier.Publisher()) {
			t.Fatalf("change %d carries %+v / %+v; want the card and supplier as now", g.Seq, g.Card, g.Supplier)
		}
	}
}

// Ensure that an unknown or hostile distributor ID is NotFound and a
// non-positive limit returns nothing.
func TestDB_Changes_Refusals(t *testing.T) {
	db := mustOpen(t)
	for _, id := range hostileIDs {
		_, err := db.Changes(ctx, id, nil, 0, 10)
		wantCode(t, err, catalog.NotFound)
	}
	if got, err := db.Changes(ctx, newID(), nil, 0, 0); err != nil || len(got) != 0 {
		t.Fatalf("Changes(limit 0) = %v, %v", got, err)
	}
}
