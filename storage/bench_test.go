package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// followedSets are the distributors the read benchmarks play: "busy"
// follows the first n suppliers (the 200 heavy posters first), "quiet" the
// last n (ten cards each over 30 days). With 5,000 both are everyone.
func followedSets(f *feedFixture) []struct {
	name      string
	suppliers []string
} {
	var sets []struct {
		name      string
		suppliers []string
	}
	for _, n := range followCounts {
		sets = append(sets, struct {
			name      string
			suppliers []string
		}{fmt.Sprintf("follows=%d/busy", n), f.suppliers[:n]})
		if n < fixSuppliers {
			sets = append(sets, struct {
				name      string
				suppliers []string
			}{fmt.Sprintf("follows=%d/quiet", n), f.suppliers[fixSuppliers-n:]})
		}
	}
	return sets
}

// modes force the hybrid reads: pure scan, pure merge, or the automatic
// budget.
var modes = []struct {
	name   string
	budget func(int) uint64
}{{"scan", func(int) uint64 { return math.MaxUint64 }}, {"merge", func(int) uint64 { return 0 }}, {"auto", nil}}

// BenchmarkFeedCards reads the first feed page (20 cards) for distributors
// following 10 to 5,000 suppliers, by pure merge (fan-in of the
// per-supplier indexes) and by the automatic hybrid.
func BenchmarkFeedCards(b *testing.B) {
	f := loadFeedFixture(b)
	for _, set := range followedSets(f) {
		for _, mode := range modes[1:] {
			b.Run(set.name+"/"+mode.name, func(b *testing.B) {
				f.db.budget = mode.budget
				defer func() { f.db.budget = nil }()
				for b.Loop() {
					if cards, err := f.db.FeedCards(ctx, set.suppliers, "", feedLimit); err != nil || len(cards) != feedLimit {
						b.Fatalf("FeedCards = %d cards, %v", len(cards), err)
					}
				}
			})
		}
	}
}

// BenchmarkFeedRead is one feed page below the HTTP layer, as GET /v1/feed
// reads it: feed.Service.Feed (the distributor's follows, the cards, their
// suppliers, the views) for distributors following 10 to 5,000 suppliers,
// the first page and the page 100 cards down.
func BenchmarkFeedRead(b *testing.B) {
	f := loadFeedFixture(b)
	svc := &feed.Service{Store: f.db, Follows: f.db}
	for _, n := range followCounts {
		dist := catalog.Account{ID: f.dists[n], Role: catalog.RoleDistributor}
		deep, _, err := svc.Feed(ctx, dist, "", catalog.MaxPageSize)
		if err != nil || len(deep) != catalog.MaxPageSize {
			b.Fatalf("deep page: %d cards, %v", len(deep), err)
		}
		for _, before := range []string{"", deep[len(deep)-1].ID} {
			name := fmt.Sprintf("follows=%d/first", n)
			if before != "" {
				name = fmt.Sprintf("follows=%d/deep", n)
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if views, _, err := svc.Feed(ctx, dist, before, feedLimit); err != nil || len(views) != feedLimit {
						b.Fatalf("Feed = %d cards, %v", len(views), err)
					}
				}
			})
		}
	}
}

// BenchmarkFeedCards_Deep reads a page 1,000 cards down the feed of the
// distributor following the 200 heavy posters (200,000 cards).
func BenchmarkFeedCards_Deep(b *testing.B) {
	f := loadFeedFixture(b)
	suppliers := f.suppliers[:fixHeavy]
	page, err := f.db.FeedCards(ctx, suppliers, "", 1000)
	if err != nil || len(page) != 1000 {
		b.Fatalf("deep page: %d cards, %v", len(page), err)
	}
	for b.Loop() {
		if cards, err := f.db.FeedCards(ctx, suppliers, page[999].ID, feedLimit); err != nil || len(cards) != feedLimit {
			b.Fatalf("FeedCards = %d cards, %v", len(cards), err)
		}
	}
}

// BenchmarkSupplierCards reads one page of a 1,000-card supplier's
// channel: also what reading a fan-out-on-write inbox would cost.
func BenchmarkSupplierCards(b *testing.B) {
	f := loadFeedFixture(b)
	for b.Loop() {
		if cards, err := f.db.SupplierCards(ctx, f.suppliers[0], "", feedLimit); err != nil || len(cards) != feedLimit {
			b.Fatalf("SupplierCards = %d cards, %v", len(cards), err)
		}
	}
}

// BenchmarkChanges replays up to 100 changes after a reconnect: after a
// short gap (the last 50 changes of the whole log) and a long one (50,000
// changes, about six days here), by pure scan, pure merge and the hybrid.
func BenchmarkChanges(b *testing.B) {
	f := loadFeedFixture(b)
	info, _ := f.db.Log(ctx)
	dist := newID()
	for _, set := range followedSets(f) {
		for _, gap := range []uint64{50, 50000} {
			for _, mode := range modes {
				b.Run(fmt.Sprintf("%s/gap=%d/%s", set.name, gap, mode.name), func(b *testing.B) {
					f.db.budget = mode.budget
					defer func() { f.db.budget = nil }()
					for b.Loop() {
						if _, err := f.db.Changes(ctx, dist, set.suppliers, info.Last-gap, replayLimit); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkHybridCost measures the unit costs the hybrid budgets weigh:
// one entry walked by a scan that keeps nothing, and one source seeked by
// a merge that finds nothing, for the change log and the card timeline.
// Their ratios are scanPerSource and feedScanPerSource.
func BenchmarkHybridCost(b *testing.B) {
	const entries, nSources = 20000, 5000
	f := loadFeedFixture(b)
	info, _ := f.db.Log(ctx)
	nobody := sources{distributor: [idLen]byte{1}, suppliers: newSupplierSet([]string{newID()})}
	everyone := sources{distributor: [idLen]byte{1}, suppliers: newSupplierSet(f.suppliers)}
	everyone.suppliers.sortedKeys() // sorting is per request, not per seek
	run := func(name string, per float64, unit string, fn func(tx kvTx)) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				f.db.kv.view(context.Background(), func(tx kvTx) error { fn(tx); return nil })
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/per, unit)
		})
	}
	run("log-entry", entries, "ns/entry", func(tx kvTx) {
		scanLog(tx, nobody, info.Last-entries, replayLimit, entries)
	})
	run("log-source", nSources, "ns/source", func(tx kvTx) {
		mergeLog(tx, everyone, info.Last, replayLimit)
	})
	run("timeline-entry", entries, "ns/entry", func(tx kvTx) {
		scanTimeline(tx, nobody.suppliers, maxID, feedLimit, entries)
	})
	run("timeline-source", nSources, "ns/source", func(tx kvTx) {
		mergeSupplierCards(tx, everyone.suppliers, idBytes(idAt(base.Add(-fixSpan))), feedLimit)
	})
}

func idBytes(id string) []byte {
	k, _ := parseID(id)
	return k[:]
}

// BenchmarkCardDecode compares decoding one typical card from its binary
// record with decoding the same card from JSON, the format the records
// started in: a feed page decodes 20.
func BenchmarkCardDecode(b *testing.B) {
	c := benchCard(newID(), newID(), base)
	bin := encodeCard(c)
	js, err := json.Marshal(c)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("binary", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeCard(c.ID, bin); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(bin)), "record-bytes")
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			var got catalog.Card
			if err := json.Unmarshal(js, &got); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(js)), "record-bytes")
	})
}
