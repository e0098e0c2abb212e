package storage

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPostings_AgainstModel ensures addPosting and removePosting keep each
// list equal to a plain sorted slice, through random adds and removes of
// a few thousand IDs in transactions of up to 600 writes each: enough for
// blocks to fill, seal, split, move their keys and empty out, and for
// bbolt to leave emptied pages inside a transaction.
func TestPostings_AgainstModel(t *testing.T) {
	db := mustOpen(t)
	if db.bolt != nil {
		db.bolt.NoSync = true
	}
	rng := rand.New(rand.NewPCG(9, 9))
	// Prefixes that sort next to each other, so a wrong step lands in a
	// neighbour's list.
	prefixes := [][]byte{[]byte("a\x00"), []byte("ab\x00"), []byte("b\x00")}
	model := map[string][]string{}
	for round := range 60 {
		err := db.kv.update(context.Background(), func(tx kvTx) error {
			b, err := tx.CreateBucketIfNotExists(bSearch)
			if err != nil {
				return err
			}
			for range 1 + rng.IntN(600) {
				p := prefixes[rng.IntN(len(prefixes))]
				id := make([]byte, idLen)
				binary.BigEndian.PutUint64(id, rng.Uint64N(3000))
				l := model[string(p)]
				i, found := slices.BinarySearch(l, string(id))
				if rng.IntN(2) == 0 {
					err = addPosting(b, p, id)
					if !found {
						l = slices.Insert(l, i, string(id))
					}
				} else {
					err = removePosting(b, p, id)
					if found {
						l = slices.Delete(l, i, i+1)
					}
				}
				if err != nil {
					return err
				}
				model[string(p)] = l
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got := postingLists(t, db)
		for _, p := range prefixes {
			want := make([]string, len(model[string(p)]))
			for i, id := range model[string(p)] {
				want[i] = formatID([]byte(id))
			}
			if !slices.Equal(got[string(p)], want) && len(want)+len(got[string(p)]) > 0 {
				t.Fatalf("round %d: list %q holds %d IDs, want %d", round, p, len(got[string(p)]), len(want))
			}
		}
	}
}
