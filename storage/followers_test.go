package storage

import (
	"reflect"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Ensure that Followers pages one state newest first by since, that its
// cursors resume exactly and the last page has no cursor, and that a state
// change moves a follower between the per-state lists.
func TestDB_Followers_PagesByStateNewestFirst(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	var active []string
	var pendingID string
	for i := range 8 {
		d := newID()
		f := activeFollow(s.ID, d, base.Add(time.Duration(i)*time.Hour))
		if i == 5 {
			f.State, pendingID = catalog.StatePending, d
		} else {
			active = append([]string{d}, active...)
		}
		if _, err := db.SaveFollow(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if got := followerPages(t, db, s.ID, catalog.StateActive, 3); !reflect.DeepEqual(got, active) {
		t.Fatalf("active pages = %v; want %v", got, active)
	}
	if got := followerPages(t, db, s.ID, catalog.StatePending, 3); !reflect.DeepEqual(got, []string{pendingID}) {
		t.Fatalf("pending pages = %v; want %v", got, []string{pendingID})
	}
	f, _ := db.Follow(ctx, s.ID, pendingID)
	f.State = catalog.StateBlocked
	if _, err := db.SaveFollow(ctx, f); err != nil {
		t.Fatal(err)
	}
	if got := followerPages(t, db, s.ID, catalog.StatePending, 3); len(got) != 0 {
		t.Fatalf("pending after block = %v", got)
	}
	if got := followerPages(t, db, s.ID, catalog.StateBlocked, 3); !reflect.DeepEqual(got, []string{pendingID}) {
		t.Fatalf("blocked = %v", got)
	}
}

// followerPages reads every page of one state and returns the distributor
// IDs in order, checking that only the last page lacks a cursor.
func followerPages(t *testing.T, db *DB, supplierID string, state catalog.FollowState, limit int) []string {
	t.Helper()
	var ids []string
	before := ""
	for range 100 {
		page, next, err := db.Followers(ctx, supplierID, state, before, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range page {
			if f.State != state {
				t.Fatalf("Followers(%s) returned a %s follow", state, f.State)
			}
			ids = append(ids, f.DistributorID)
		}
		if next == "" {
			return ids
		}
		if len(page) != limit {
			t.Fatalf("short page of %d with a next cursor", len(page))
		}
		before = next
	}
	t.Fatal("Followers never ended")
	return nil
}
