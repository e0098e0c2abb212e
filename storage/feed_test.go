package storage

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/weigong/weigong/catalog"
)

// Ensure that FeedCards, page by page and from arbitrary cursors, returns
// exactly the followed suppliers' live cards in descending ID order, as a
// brute-force sort of every card does.
func TestDB_FeedCards_MatchesBruteForce(t *testing.T) {
	db := mustOpen(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var suppliers []string
	var all []catalog.Card
	for i := range 6 {
		s := mustSupplier(t, db, "supplier"+string(rune('a'+i)))
		suppliers = append(suppliers, s.ID)
		for range 5 + rng.IntN(25) {
			c := mustPublish(t, db, s.ID, idAt(base.Add(time.Duration(rng.IntN(86400))*time.Second)))
			if rng.IntN(6) == 0 {
				if _, err := db.SaveCard(ctx, c, catalog.CardWithdrawn); err != nil {
					t.Fatal(err)
				}
				c.Withdrawn = true
			}
			all = append(all, c)
		}
	}
	followed := []string{suppliers[0], suppliers[2], suppliers[3], suppliers[5], suppliers[2], "junk"}
	for _, name := range slices.Sorted(maps.Keys(strategies)) {
		db.budget = strategies[name]
		for _, sups := range [][]string{followed, suppliers[1:2], nil} {
			want := bruteFeed(all, sups, "")
			for _, limit := range []int{1, 7, 1000} {
				if got := feedPages(t, db, sups, limit); !slices.Equal(got, want) {
					t.Fatalf("%s, limit %d: pages = %v\nwant %v", name, limit, got, want)
				}
			}
			for _, c := range all { // every card, followed or not, withdrawn or not, as a cursor
				page, err := db.FeedCards(ctx, sups, c.ID, 5)
				if err != nil {
					t.Fatal(err)
				}
				if w := bruteFeed(all, sups, c.ID); !slices.Equal(cardIDs(page), w[:min(5, len(w))]) {
					t.Fatalf("%s, before %s: %v; want %v", name, c.ID, cardIDs(page), w[:min(5, len(w))])
				}
			}
		}
	}
}

// bruteFeed lists the IDs of live cards of the given suppliers below
// before, newest first, by sorting everything.
func bruteFeed(all []catalog.Card, suppliers []string, before string) []string {
	var ids []string
	for _, c := range all {
		if !c.Withdrawn && slices.Contains(suppliers, c.SupplierID) && (before == "" || idLess(c.ID, before)) {
			ids = append(ids, c.ID)
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return -compareIDs(a, b) })
	return ids
}

func compareIDs(a, b string) int {
	ua, ub := uuid.MustParse(a), uuid.MustParse(b)
	return bytes.Compare(ua[:], ub[:])
}

func idLess(a, b string) bool { return compareIDs(a, b) < 0 }

// feedPages reads the whole feed page by page.
func feedPages(t *testing.T, db *DB, suppliers []string, limit int) []string {
	t.Helper()
	var ids []string
	before := ""
	for range 1000 {
		page, err := db.FeedCards(ctx, suppliers, before, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return ids
		}
		ids = append(ids, cardIDs(page)...)
		before = page[len(page)-1].ID
	}
	t.Fatal("feed never ended")
	return nil
}

// Ensure that a feed of nobody, or a limit of zero, is empty, not an error.
func TestDB_FeedCards_Empty(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	mustPublish(t, db, s.ID, newID())
	for _, tc := range []struct {
		suppliers []string
		limit     int
	}{{nil, 10}, {[]string{s.ID}, 0}, {[]string{s.ID}, -1}} {
		if got, err := db.FeedCards(ctx, tc.suppliers, "", tc.limit); err != nil || len(got) != 0 {
			t.Errorf("FeedCards(%v, limit %d) = %v, %v", tc.suppliers, tc.limit, got, err)
		}
	}
}
