package storage

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
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
			var db *DB
			if engine == "bbolt" {
				var err error
				if db, err = Open(filepath.Join(b.TempDir(), "w.db")); err != nil {
					b.Fatal(err)
				}
			} else {
				db = openPostgres(b, pgtest.NewDatabase(b))
			}
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
