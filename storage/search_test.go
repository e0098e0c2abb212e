package storage

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// postingLists reads the whole search index back as token list → card IDs
// (as strings), checking the block invariants on the way: IDs sorted and
// unique within a list, at most searchBlockMax per block, and each block
// under the key of its last ID, or of maxID for the list's last block.
func postingLists(t *testing.T, db *DB) map[string][]string {
	t.Helper()
	lists := map[string][]string{}
	err := db.kv.view(context.Background(), func(tx kvTx) error {
		b := tx.Bucket(bSearch)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			prefix, last := string(k[:len(k)-idLen]), k[len(k)-idLen:]
			n := len(v) / idLen
			if len(v)%idLen != 0 || n == 0 || n > searchBlockMax {
				return fmt.Errorf("block %x holds %d bytes", k, len(v))
			}
			if !bytes.Equal(v[len(v)-idLen:], last) && !bytes.Equal(last, maxID) {
				return fmt.Errorf("block %x ends with %x", k, v[len(v)-idLen:])
			}
			for i := range n {
				id := formatID(v[i*idLen : (i+1)*idLen])
				if l := lists[prefix]; len(l) > 0 && l[len(l)-1] >= id {
					return fmt.Errorf("list %x is not sorted at %s", prefix, id)
				}
				lists[prefix] = append(lists[prefix], id)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return lists
}

// wantLists computes the lists the index should hold for the given live
// cards, from the tokenizer alone.
func wantLists(cards map[string]catalog.Card) map[string][]string {
	lists := map[string][]string{}
	for _, c := range cards {
		sup, _ := parseID(c.SupplierID)
		for _, tok := range catalog.SearchTokens(c) {
			prefix := string(postingPrefix(sup[:], tok))
			lists[prefix] = append(lists[prefix], c.ID)
		}
	}
	for _, l := range lists {
		slices.Sort(l)
	}
	return lists
}

func equalLists(a, b map[string][]string) bool {
	return maps.EqualFunc(a, b, slices.Equal[[]string])
}

// saveCards writes cards through saveCard, the path of every card write,
// in one transaction without fsync: these tests are about the index, and
// a transaction per card would spend their time in fsync.
func saveCards(t *testing.T, db *DB, kind catalog.ChangeKind, cards ...catalog.Card) {
	t.Helper()
	if db.bolt != nil {
		db.bolt.NoSync = true
		defer func() { db.bolt.NoSync = false }()
	}
	err := db.kv.update(context.Background(), func(tx kvTx) error {
		for _, c := range cards {
			c.Withdrawn = kind == catalog.CardWithdrawn // as Tx.SaveCard does
			if _, err := db.saveCard(tx, c, kind); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// words is a small vocabulary, so that tokens are shared by many cards
// and lists grow past one block.
var words = []string{"红色", "连衣裙", "纯棉", "silk", "scarf", "新款", "围巾", "oversize", "夏季", "羊毛"}

func randomText(rng *rand.Rand, n int) string {
	var b bytes.Buffer
	for range n {
		b.WriteString(words[rng.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.String()
}

// TestSearchIndex_MatchesTokenizer ensures the blocks stay a faithful copy
// of the tokenizer's output through publishing (in and out of ID order),
// edits of the text, edits that change no text, and withdrawals, with
// lists long enough to seal and split blocks. It runs a few rounds because
// withdrawing everything in one transaction used to lose entries in about
// half of them (bbolt's Prev in a write transaction; see bSearch).
func TestSearchIndex_MatchesTokenizer(t *testing.T) {
	for round := range uint64(5) {
		db := mustOpen(t)
		rng := rand.New(rand.NewPCG(1, round))
		sups := []catalog.Account{mustSupplier(t, db, "one"), mustSupplier(t, db, "two")}
		live := map[string]catalog.Card{}
		var ids []string
		for i := range 300 {
			// IDs spread over a year in random order, so inserts land in
			// the middle of lists as well as at the end.
			c := newCard(sups[i%2].ID, idAt(base.Add(time.Duration(rng.Int64N(int64(365*24*time.Hour))))))
			c.Title, c.Description, c.Tags = randomText(rng, 2), randomText(rng, 3), []string{words[rng.IntN(len(words))]}
			saveCards(t, db, catalog.CardPublished, c)
			live[c.ID], ids = c, append(ids, c.ID)
		}
		if got := postingLists(t, db); !equalLists(got, wantLists(live)) {
			t.Fatalf("round %d: after publishing, the index differs from the tokenizer's lists", round)
		}
		for i, id := range ids {
			c := live[id]
			switch i % 4 {
			case 0:
				c.Title = randomText(rng, 2)
			case 1:
				c.SoldOut = true
			case 2:
				saveCards(t, db, catalog.CardWithdrawn, c)
				delete(live, id)
				continue
			}
			saveCards(t, db, catalog.CardUpdated, c)
			live[id] = c
		}
		if got := postingLists(t, db); !equalLists(got, wantLists(live)) {
			t.Fatalf("round %d: after edits and withdrawals, the index differs from the tokenizer's lists", round)
		}
		saveCards(t, db, catalog.CardWithdrawn, slices.Collect(maps.Values(live))...)
		if got := postingLists(t, db); len(got) != 0 {
			t.Fatalf("round %d: with every card withdrawn the index still holds %d lists", round, len(got))
		}
	}
}

// TestSearchIndex_BuiltOnOpen ensures a file made before the index (or
// under other token rules) is indexed when opened, also when the build was
// cut short, and ends with the same lists as writing card by card.
func TestSearchIndex_BuiltOnOpen(t *testing.T) {
	path := t.TempDir() + "/weigong.db"
	db := mustOpenAt(t, path)
	rng := rand.New(rand.NewPCG(3, 4))
	sup := mustSupplier(t, db, "one")
	live := map[string]catalog.Card{}
	for range searchBuildChunk + 500 {
		c := newCard(sup.ID, newID())
		c.Title, c.Description = randomText(rng, 2), ""
		live[c.ID] = c
	}
	saveCards(t, db, catalog.CardPublished, slices.Collect(maps.Values(live))...)
	want := postingLists(t, db)
	for name, reset := range map[string]func(tx kvTx) error{
		"a file from before the index": func(tx kvTx) error { return tx.Bucket(bMeta).Delete(keySearchVersion) },
		"other token rules": func(tx kvTx) error {
			return tx.Bucket(bMeta).Put(keySearchVersion, []byte("0"))
		},
		"a build cut short after one chunk": func(tx kvTx) error {
			if err := tx.Bucket(bMeta).Delete(keySearchVersion); err != nil {
				return err
			}
			_, done, err := indexChunk(tx, []byte{})
			if err == nil && done {
				err = fmt.Errorf("one chunk indexed every card")
			}
			return err
		},
	} {
		outer := t
		t.Run(name, func(t *testing.T) {
			err := db.kv.update(context.Background(), func(tx kvTx) error {
				if err := tx.DeleteBucket(bSearch); err != nil {
					return err
				}
				return reset(tx)
			})
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			db = mustOpenAt(outer, path)
			if got := postingLists(t, db); !equalLists(got, want) {
				t.Errorf("rebuilt index has %d lists, want %d, or they differ", len(got), len(want))
			}
		})
	}
}

// TestSearchCards_Budget ensures a walk stops after its budget of
// candidates with a cursor that resumes exactly where it stopped, so that
// paging through short pages still returns every match once.
func TestSearchCards_Budget(t *testing.T) {
	db := mustOpen(t)
	sups := []catalog.Account{mustSupplier(t, db, "one"), mustSupplier(t, db, "two"), mustSupplier(t, db, "three")}
	var want []string
	for i := range 90 {
		c := newCard(sups[i%3].ID, idAt(base.Add(time.Duration(i)*time.Minute)))
		c.Title = "围巾"
		if i%7 == 0 {
			c.Title = "红色围巾"
			want = append(want, c.ID)
		}
		saveCards(t, db, catalog.CardPublished, c)
	}
	slices.Reverse(want)
	keepRed := func(c catalog.Card, _ *catalog.Publisher) bool { return c.Title == "红色围巾" }
	q := catalog.CardSearch{SupplierIDs: []string{sups[0].ID, sups[1].ID, sups[2].ID}, Tokens: []string{"围巾"},
		Limit: 5, Budget: 10, Keep: keepRed}
	var got []string
	pages := 0
	for {
		found, next, err := db.SearchCards(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range found {
			got = append(got, f.Card.ID)
			if f.Supplier == nil || f.Supplier.Ref.ID != f.Card.SupplierID {
				t.Fatalf("card %s came with supplier %+v", f.Card.ID, f.Supplier)
			}
		}
		if pages++; next == "" || pages > 20 {
			break
		}
		q.Before = next
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged %d matches in %d pages, want the %d matches newest first", len(got), pages, len(want))
	}
	if pages < 9 {
		t.Errorf("%d pages: the budget of 10 candidates did not cut the walk of 90", pages)
	}
}
