package storage

import (
	"reflect"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

func activeFollow(supplierID, distributorID string, since time.Time) catalog.Follow {
	return catalog.Follow{SupplierID: supplierID, DistributorID: distributorID, State: catalog.StateActive,
		Level: "standard", Since: since}
}

// Ensure that a follow survives a round trip, shows in Following, and
// that its change carries it.
func TestDB_SaveFollow_RoundTrip(t *testing.T) {
	db := mustOpen(t)
	s1, s2 := mustSupplier(t, db, "one"), mustSupplier(t, db, "two")
	d := mustDistributor(t, db, "shop")
	f1 := activeFollow(s1.ID, d.ID, base)
	f2 := activeFollow(s2.ID, d.ID, base)
	f2.State, f2.Level = catalog.StatePending, "gold"
	for _, f := range []catalog.Follow{f1, f2} {
		ch, err := db.SaveFollow(ctx, f)
		if err != nil || ch.Kind != catalog.FollowChanged || !reflect.DeepEqual(*ch.Follow, f) || ch.SupplierID != f.SupplierID {
			t.Fatalf("SaveFollow = %+v, %v", ch, err)
		}
	}
	if got, err := db.Follow(ctx, s2.ID, d.ID); err != nil || !reflect.DeepEqual(got, f2) {
		t.Fatalf("Follow = %+v, %v; want %+v", got, err, f2)
	}
	got, err := db.Following(ctx, d.ID)
	if err != nil || len(got) != 2 {
		t.Fatalf("Following = %+v, %v", got, err)
	}
	for _, f := range got {
		if !reflect.DeepEqual(f, f1) && !reflect.DeepEqual(f, f2) {
			t.Errorf("Following returned %+v", f)
		}
	}
}

// Ensure that saving StateNone deletes the follow from every index and
// publishes a change whose follow has StateNone.
func TestDB_SaveFollow_None(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	d := mustDistributor(t, db, "shop")
	f := activeFollow(s.ID, d.ID, base)
	if _, err := db.SaveFollow(ctx, f); err != nil {
		t.Fatal(err)
	}
	f.State = catalog.StateNone
	ch, err := db.SaveFollow(ctx, f)
	if err != nil || ch.Follow.State != catalog.StateNone {
		t.Fatalf("SaveFollow(none) = %+v, %v", ch, err)
	}
	_, err = db.Follow(ctx, s.ID, d.ID)
	wantCode(t, err, catalog.NotFound)
	if got, err := db.Following(ctx, d.ID); err != nil || len(got) != 0 {
		t.Fatalf("Following after unfollow = %+v, %v", got, err)
	}
	if got, _, err := db.Followers(ctx, s.ID, catalog.StateActive, "", 10); err != nil || len(got) != 0 {
		t.Fatalf("Followers after unfollow = %+v, %v", got, err)
	}
}

// Ensure that hostile IDs are NotFound and bad states are refused.
func TestDB_Follow_Refusals(t *testing.T) {
	db := mustOpen(t)
	for _, id := range hostileIDs {
		_, err := db.Follow(ctx, id, newID())
		wantCode(t, err, catalog.NotFound)
		_, err = db.Following(ctx, id)
		wantCode(t, err, catalog.NotFound)
		_, _, err = db.Followers(ctx, id, catalog.StateActive, "", 10)
		wantCode(t, err, catalog.NotFound)
		_, err = db.SaveFollow(ctx, activeFollow(id, newID(), base))
		wantCode(t, err, catalog.NotFound)
		if id != "" {
			_, _, err = db.Followers(ctx, newID(), catalog.StateActive, id, 10)
			wantCode(t, err, catalog.Invalid)
		}
	}
	_, _, err := db.Followers(ctx, newID(), catalog.StateNone, "", 10)
	wantCode(t, err, catalog.Invalid)
	bad := activeFollow(newID(), newID(), base)
	bad.State = "friend"
	if _, err := db.SaveFollow(ctx, bad); err == nil {
		t.Fatal("SaveFollow accepted an unknown state")
	}
}
