package storage

import (
	"os"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Ensure that under steady churn (cards posted, patched and withdrawn every
// day, with the sweep pruning changes and purging withdrawn cards past a
// 30-day retention) the database file stops growing: once the retention
// window is full, freed pages are reused.
func TestDB_Churn_FileStopsGrowing(t *testing.T) {
	skipOnPostgres(t, "the size of the bbolt file")
	path := t.TempDir() + "/weigong.db"
	db := mustOpenAt(t, path)
	day := base
	db.SetClock(func() time.Time { return day })
	s := mustSupplier(t, db, "factory")
	const retention = 30 * 24 * time.Hour
	sizes := map[int]int64{}
	for d := 1; d <= 150; d++ {
		day = base.Add(time.Duration(d) * 24 * time.Hour)
		err := db.Update(ctx, func(tx catalog.Tx) error {
			for range 20 {
				c := newCard(s.ID, newID())
				c.UpdatedAt = day
				if _, err := tx.SaveCard(c, catalog.CardPublished); err != nil {
					return err
				}
				c.Title += " (patched)"
				if _, err := tx.SaveCard(c, catalog.CardUpdated); err != nil {
					return err
				}
				if _, err := tx.SaveCard(c, catalog.CardWithdrawn); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.PruneChanges(ctx, day.Add(-retention)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PurgeWithdrawnCards(ctx, day.Add(-retention)); err != nil {
			t.Fatal(err)
		}
		if d%30 == 0 {
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			sizes[d] = info.Size()
		}
	}
	t.Logf("file size by day: %v", sizes)
	if sizes[150] > sizes[60]+sizes[60]/10 {
		t.Fatalf("the file grew from %d bytes on day 60 to %d on day 150 under steady churn", sizes[60], sizes[150])
	}
}
