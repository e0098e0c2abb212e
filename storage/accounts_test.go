package storage

import (
	"reflect"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// Ensure that an account survives a round trip exactly, nil and empty
// slices included.
func TestDB_CreateAccount_RoundTrip(t *testing.T) {
	db := mustOpen(t)
	want := mustSupplier(t, db, "factory_a")
	got, err := db.Account(ctx, want.ID)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Account = %+v, %v; want %+v", got, err, want)
	}
	got, err = db.AccountByHandle(ctx, "factory_a")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("AccountByHandle = %+v, %v; want %+v", got, err, want)
	}
}

// Ensure that a second account cannot take a handle, or an ID, in use.
func TestDB_CreateAccount_Conflict(t *testing.T) {
	db := mustOpen(t)
	a := mustSupplier(t, db, "taken")
	b := a
	b.ID = newID()
	err := db.CreateAccount(ctx, b)
	wantCode(t, err, catalog.Conflict)
	if catalog.ErrorMessage(err) != "handle is taken" {
		t.Fatalf("message = %q", catalog.ErrorMessage(err))
	}
	c := a
	c.Handle = "other"
	wantCode(t, db.CreateAccount(ctx, c), catalog.Conflict)
	if _, err := db.AccountByHandle(ctx, "other"); catalog.ErrorCode(err) != catalog.NotFound {
		t.Fatalf("a failed create left its handle behind: %v", err)
	}
}

// Ensure that an account with an ID that is not a UUID is refused.
func TestDB_CreateAccount_BadID(t *testing.T) {
	db := mustOpen(t)
	a := catalog.Account{ID: "a1", Handle: "abc"}
	if err := db.CreateAccount(ctx, a); err == nil {
		t.Fatal("CreateAccount accepted a non-UUID ID")
	}
}

// Ensure that lookups of unknown or hostile IDs and handles are NotFound
// and never panic.
func TestDB_Account_NotFound(t *testing.T) {
	db := mustOpen(t)
	for _, id := range append(hostileIDs, newID()) {
		_, err := db.Account(ctx, id)
		wantCode(t, err, catalog.NotFound)
		_, err = db.AccountByHandle(ctx, id)
		wantCode(t, err, catalog.NotFound)
	}
}

// Ensure that an update replaces the fields and moves the handle index,
// and refuses a taken handle or an unknown account.
func TestDB_UpdateAccount(t *testing.T) {
	db := mustOpen(t)
	a := mustSupplier(t, db, "before")
	mustSupplier(t, db, "someone")
	a.Name, a.Handle, a.Levels = "New name", "after", []string{"standard"}
	if err := db.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := db.AccountByHandle(ctx, "after"); err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("AccountByHandle(after) = %+v, %v", got, err)
	}
	_, err := db.AccountByHandle(ctx, "before")
	wantCode(t, err, catalog.NotFound)

	a.Handle = "someone"
	wantCode(t, db.UpdateAccount(ctx, a), catalog.Conflict)
	wantCode(t, db.UpdateAccount(ctx, catalog.Account{ID: newID(), Handle: "x"}), catalog.NotFound)
	wantCode(t, db.UpdateAccount(ctx, catalog.Account{ID: "../x", Handle: "x"}), catalog.NotFound)
}
