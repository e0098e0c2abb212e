package storage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Benchmark fixtures are built once per process in one temporary
// directory, removed by TestMain. They are far too big for unit tests.
var (
	benchDir  string
	benchDBs  []*DB
	benchOnce sync.Once
)

// closeBenchDBs closes the benchmark databases and removes their files;
// TestMain (engine_test.go) calls it after the run.
func closeBenchDBs() {
	for _, db := range benchDBs {
		db.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
}

// openBenchDB opens a new database file in the benchmark directory.
func openBenchDB(b *testing.B, name string) *DB {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "weigong-storage-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
	})
	db, err := Open(filepath.Join(benchDir, name))
	if err != nil {
		b.Fatal(err)
	}
	benchDBs = append(benchDBs, db)
	return db
}

// Shape of the feed fixture: 5,000 suppliers; the first 200 have posted
// 1,000 cards each (200,000), the other 4,800 ten each (48,000), spread
// at random over 30 days and written in time order, so the change log
// interleaves suppliers the way a live server would.
const (
	fixSuppliers  = 5000
	fixHeavy      = 200
	fixHeavyCards = 1000
	fixLightCards = 10
	fixSpan       = 30 * 24 * time.Hour
	fixBatch      = 10000
	feedLimit     = 20
	replayLimit   = 100
	fixTotalCards = fixHeavy*fixHeavyCards + (fixSuppliers-fixHeavy)*fixLightCards
)

// followCounts are the distributors of the fixture: the one with n follows
// follows the first n suppliers (so 200 means the 200,000-card suppliers).
var followCounts = []int{10, 200, 1000, 5000}

type feedFixture struct {
	db        *DB
	suppliers []string
	dists     map[int]string // follow count → distributor ID
}

var (
	feedFixOnce sync.Once
	feedFix     *feedFixture
)

// loadFeedFixture builds the feed fixture on first use.
func loadFeedFixture(b *testing.B) *feedFixture {
	feedFixOnce.Do(func() {
		start := time.Now()
		f := &feedFixture{db: openBenchDB(b, "feed.db"), dists: map[int]string{}}
		if err := f.build(); err != nil {
			b.Fatal(err)
		}
		feedFix = f
		size := int64(0)
		if fi, err := os.Stat(f.db.bolt.Path()); err == nil {
			size = fi.Size()
		}
		fmt.Fprintf(os.Stderr, "feed fixture: %d cards built in %s, %d MiB\n", fixTotalCards,
			time.Since(start).Round(time.Second), size>>20)
	})
	if feedFix == nil {
		b.Fatal("feed fixture failed to build")
	}
	return feedFix
}

func (f *feedFixture) build() error {
	clock := base.Add(-fixSpan)
	f.db.now = func() time.Time { return clock }
	err := f.db.kv.update(context.Background(), func(tx kvTx) error {
		for i := range fixSuppliers {
			id := idAt(base.Add(-fixSpan))
			f.suppliers = append(f.suppliers, id)
			s := catalog.Account{ID: id, Role: catalog.RoleSupplier, Handle: fmt.Sprintf("s%05d", i), Name: "Supplier",
				CreatedAt: base, FollowPolicy: catalog.PolicyOpen, Levels: []string{"standard"}}
			k, _ := parseID(id)
			if err := putAccount(tx, k[:], s, ""); err != nil {
				return err
			}
		}
		for _, n := range followCounts {
			f.dists[n] = newID()
			for _, sup := range f.suppliers[:n] {
				if _, err := f.db.saveFollow(tx, activeFollow(sup, f.dists[n], clock)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return f.buildCards(&clock)
}

// buildCards posts every card through saveCard, in time order, in large
// transactions; clock follows the cards so change times match.
func (f *feedFixture) buildCards(clock *time.Time) error {
	type post struct {
		at       time.Time
		supplier string
	}
	rng := rand.New(rand.NewPCG(5, 6))
	posts := make([]post, 0, fixTotalCards)
	for i, sup := range f.suppliers {
		n := fixLightCards
		if i < fixHeavy {
			n = fixHeavyCards
		}
		for range n {
			posts = append(posts, post{base.Add(-time.Duration(rng.Int64N(int64(fixSpan)))), sup})
		}
	}
	slices.SortFunc(posts, func(a, b post) int { return a.at.Compare(b.at) })
	for start := 0; start < len(posts); start += fixBatch {
		err := f.db.kv.update(context.Background(), func(tx kvTx) error {
			for _, p := range posts[start:min(start+fixBatch, len(posts))] {
				*clock = p.at
				if _, err := f.db.saveCard(tx, benchCard(p.supplier, idAt(p.at), p.at), catalog.CardPublished); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// benchCard is a typical card: four photos, a short text, two levels.
func benchCard(supplierID, id string, at time.Time) catalog.Card {
	c := newCard(supplierID, id)
	c.CreatedAt, c.UpdatedAt = at, at
	c.Description = "春夏新款 纯棉 宽松 显瘦 多色可选 支持一件代发 48小时发货"
	for range 3 {
		c.Images = append(c.Images, catalog.Image{ID: newID(), OwnerID: supplierID, Width: 1080, Height: 1440, CreatedAt: at})
	}
	return c
}
