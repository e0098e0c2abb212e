package storage

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Ensure that closing and reopening keeps accounts, sessions, images,
// cards, follows, the change log, its ID and its counter: a card saved
// before the reopen is still returned and Seq carries on from where it was.
func TestDB_Reopen_KeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weigong.db")
	db := mustOpenAt(t, path)
	s := mustSupplier(t, db, "factory")
	d := mustDistributor(t, db, "shop")
	sess := newSession("token-hash", base.Add(time.Hour))
	img := catalog.Image{ID: newID(), OwnerID: s.ID, Width: 10, Height: 20, CreatedAt: base}
	if err := db.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateImage(ctx, img); err != nil {
		t.Fatal(err)
	}
	c := mustPublish(t, db, s.ID, newID())
	if _, err := db.SaveFollow(ctx, activeFollow(s.ID, d.ID, base)); err != nil {
		t.Fatal(err)
	}
	before, _ := db.Log(ctx)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = mustOpenAt(t, path)
	after, _ := db.Log(ctx)
	if after != before {
		t.Fatalf("Log after reopen = %+v; want %+v", after, before)
	}
	checkEqual(t, "account", must(db.Account(ctx, s.ID)), s)
	checkEqual(t, "session", must(db.Session(ctx, sess.TokenHash)), sess)
	checkEqual(t, "image", must(db.Image(ctx, img.ID)), img)
	checkEqual(t, "card", must(db.Card(ctx, c.ID)), c)
	checkEqual(t, "feed", cardIDs(must(db.FeedCards(ctx, []string{s.ID}, "", 10))), []string{c.ID})
	checkEqual(t, "follow", must(db.Follow(ctx, s.ID, d.ID)), activeFollow(s.ID, d.ID, base))
	if got := must(db.Changes(ctx, d.ID, []string{s.ID}, 0, 10)); len(got) != 2 {
		t.Fatalf("Changes after reopen = %d; want 2", len(got))
	}
	ch, err := db.SaveCard(ctx, newCard(s.ID, newID()), catalog.CardPublished)
	if err != nil || ch.Seq != before.Last+1 {
		t.Fatalf("first change after reopen has Seq %d, %v; want %d", ch.Seq, err, before.Last+1)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func checkEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %+v; want %+v", what, got, want)
	}
}

// Ensure that a second Open of a file in use fails, within the lock
// timeout, with an error that says why.
func TestOpen_Locked(t *testing.T) {
	skipOnPostgres(t, "bbolt's file lock")
	path := filepath.Join(t.TempDir(), "weigong.db")
	mustOpenAt(t, path)
	start := time.Now()
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Fatalf("second Open = %v; want a lock error", err)
	}
	if waited := time.Since(start); waited > lockTimeout+5*time.Second {
		t.Fatalf("second Open waited %s", waited)
	}
}

// Ensure that a hot backup is a consistent database holding the data.
func TestDB_Backup(t *testing.T) {
	skipOnPostgres(t, "bbolt's hot backup (TestPostgres_BboltOnly covers the answer there)")
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	c := mustPublish(t, db, s.ID, newID())
	path := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.Backup(f)
	if err != nil || n == 0 {
		t.Fatalf("Backup = %d, %v", n, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	copyDB := mustOpenAt(t, path)
	checkEqual(t, "card in backup", must(copyDB.Card(ctx, c.ID)), c)
	checkEqual(t, "log ID in backup", must(copyDB.Log(ctx)).ID, must(db.Log(ctx)).ID)
}
