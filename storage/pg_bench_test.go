package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/storage/pgtest"
)

// BenchmarkEngines_SaveCard posts cards one at a time, each its own
// committed unit of work (SaveCard: the card, its indexes, the search
// postings, the change log), on bbolt and on PostgreSQL, and reports
// posts per second with the p50 and p99 of one post. On PostgreSQL it also
// reports the round trips a post takes. The PostgreSQL server is pgtest's
// private cluster on loopback (fsync on).
func BenchmarkEngines_SaveCard(b *testing.B) {
	for _, engine := range []string{"bbolt", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			db := openEngine(b, engine)
			defer db.Close()
			s := mustSupplier(b, db, "poster")
			var took []time.Duration
			var trips int64
			if pg, ok := db.kv.(*pgEngine); ok {
				trips = pg.roundTrips.Load()
			}
			start := time.Now()
			for b.Loop() {
				t0 := time.Now()
				if _, err := db.SaveCard(ctx, newCard(s.ID, newID()), catalog.CardPublished); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
			}
			elapsed := time.Since(start)
			slices.Sort(took)
			b.ReportMetric(float64(len(took))/elapsed.Seconds(), "posts/s")
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
			if pg, ok := db.kv.(*pgEngine); ok {
				b.ReportMetric(float64(pg.roundTrips.Load()-trips)/float64(len(took)), "trips/post")
			}
		})
	}
}

// BenchmarkEngines_FeedPage reads one feed page (20 cards) as GET
// /v1/feed does (feed.Service.Feed: the distributor's follows, the
// cards, their suppliers, the views, in one read transaction) on bbolt
// and on PostgreSQL, for a distributor following 200 suppliers with 20
// cards each (4,000 cards; the PostgreSQL fixture is kept small so that
// it builds in seconds). The first page and the page 100 cards down.
func BenchmarkEngines_FeedPage(b *testing.B) {
	const suppliers, cardsEach = 200, 20
	for _, engine := range []string{"bbolt", "postgres"} {
		db := openEngine(b, engine)
		dist := enginesFeedFixture(b, db, suppliers, cardsEach)
		svc := &feed.Service{Store: db, Follows: db}
		deep, _, err := svc.Feed(ctx, dist, "", catalog.MaxPageSize)
		if err != nil || len(deep) != catalog.MaxPageSize {
			b.Fatalf("deep page: %d cards, %v", len(deep), err)
		}
		for _, page := range []struct{ name, before string }{{"first", ""}, {"deep", deep[len(deep)-1].ID}} {
			b.Run(engine+"/"+page.name, func(b *testing.B) {
				b.ReportAllocs()
				var trips int64
				if pg, ok := db.kv.(*pgEngine); ok {
					trips = pg.roundTrips.Load()
				}
				for b.Loop() {
					if views, _, err := svc.Feed(ctx, dist, page.before, feedLimit); err != nil || len(views) != feedLimit {
						b.Fatalf("Feed = %d cards, %v", len(views), err)
					}
				}
				if pg, ok := db.kv.(*pgEngine); ok {
					b.ReportMetric(float64(pg.roundTrips.Load()-trips)/float64(b.N), "trips/page")
				}
			})
		}
		db.Close()
	}
}

// enginesFeedFixture writes suppliers with cardsEach cards each and a
// distributor actively following them all, in one transaction per
// supplier, and returns the distributor.
func enginesFeedFixture(b *testing.B, db *DB, suppliers, cardsEach int) catalog.Account {
	dist := mustDistributor(b, db, "reader")
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := range suppliers {
		s := mustSupplier(b, db, fmt.Sprintf("s%03d", i))
		err := db.kv.update(context.Background(), func(tx kvTx) error {
			if _, err := db.saveFollow(tx, activeFollow(s.ID, dist.ID, at)); err != nil {
				return err
			}
			for j := range cardsEach {
				when := at.Add(time.Duration(j*suppliers+i) * time.Minute)
				if _, err := db.saveCard(tx, benchCard(s.ID, idAt(when), when), catalog.CardPublished); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return dist
}

// openEngine opens an empty DB on engine: "bbolt" (a file in a temporary
// directory) or "postgres" (a fresh database on pgtest's cluster).
func openEngine(b *testing.B, engine string) *DB {
	if engine == "postgres" {
		return openPostgres(b, pgtest.NewDatabase(b))
	}
	db, err := Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	return db
}
