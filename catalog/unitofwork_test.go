package catalog_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/storage"
)

var bg = context.Background()

// env is a catalog service on a real bbolt file, with a clock the test
// moves by hand.
type env struct {
	t   *testing.T
	db  *storage.DB
	svc *catalog.Service
	now time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "weigong.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("database check: %v", err)
		}
		db.Close()
	})
	if err := db.UseSecretKey(bytes.Repeat([]byte{7}, storage.SecretKeyLen)); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, now: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}
	db.SetClock(func() time.Time { return e.now })
	e.svc = catalog.NewService(catalog.Stores{Units: db, Accounts: db, Sessions: db, Images: db, Cards: db,
		Follows: db, Orders: db, SearchIndex: db})
	e.svc.Now = func() time.Time { return e.now }
	return e
}

func (e *env) account(role catalog.Role, handle string) catalog.Account {
	e.t.Helper()
	a, _, err := e.svc.SignUp(bg, catalog.SignUpInput{Role: string(role), Handle: handle, Password: "password123", Name: handle})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) image(owner catalog.Account) string {
	e.t.Helper()
	img, err := e.svc.NewImage(owner)
	if err != nil {
		e.t.Fatal(err)
	}
	img.Width, img.Height = 1080, 1080
	if _, _, err := e.svc.SaveImage(bg, img); err != nil {
		e.t.Fatal(err)
	}
	return img.ID
}

func cardInput(title string, imageID string, levelPrices map[string]int64) catalog.CardInput {
	cost, retail := int64(1000), int64(2000)
	in := catalog.CardInput{Title: &title, ImageIDs: &[]string{imageID}, CostPrice: &cost, RetailPrice: &retail}
	if levelPrices != nil {
		in.LevelPrices = &levelPrices
	}
	return in
}

// keyed returns ctx carrying an Idempotency-Key with a request fingerprint.
func keyed(key, fingerprint string) (context.Context, *catalog.Conditions) {
	c := &catalog.Conditions{Key: key, Fingerprint: fingerprint}
	return catalog.WithConditions(bg, c), c
}

func ifMatch(v int64) context.Context {
	return catalog.WithConditions(bg, &catalog.Conditions{IfMatch: &v})
}

func wantCode(t *testing.T, err error, code catalog.Code) {
	t.Helper()
	if catalog.ErrorCode(err) != code {
		t.Fatalf("error = %v; want code %s", err, code)
	}
}

func (e *env) channel(supplier catalog.Account) []catalog.CardView {
	e.t.Helper()
	cards, _, err := e.svc.SupplierCards(bg, &supplier, supplier, "", 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return cards
}

// Ensure the rules of idempotent writes, each on a real store: a retry
// gets the first result and creates nothing; another request with the key
// is refused; the key expires after its window.
func TestService_Idempotency(t *testing.T) {
	t.Run("a retry with the same key and request replays the first card", func(t *testing.T) {
		e := newEnv(t)
		s := e.account(catalog.RoleSupplier, "factory")
		in := cardInput("silk", e.image(s), nil)
		ctx, cond := keyed("k1", "req-A")
		first, err := e.svc.CreateCard(ctx, s, in)
		if err != nil || cond.Replayed {
			t.Fatalf("first = %v, replayed %v", err, cond.Replayed)
		}
		again, err := e.svc.CreateCard(ctx, s, in)
		if err != nil || !cond.Replayed || again.ID != first.ID || again.Version != first.Version {
			t.Fatalf("retry = %+v, %v, replayed %v; want card %s again", again, err, cond.Replayed, first.ID)
		}
		if n := len(e.channel(s)); n != 1 {
			t.Fatalf("channel has %d cards; want 1", n)
		}
	})
	t.Run("the same key with another request is a conflict", func(t *testing.T) {
		e := newEnv(t)
		s := e.account(catalog.RoleSupplier, "factory")
		img := e.image(s)
		ctx, _ := keyed("k1", "req-A")
		if _, err := e.svc.CreateCard(ctx, s, cardInput("silk", img, nil)); err != nil {
			t.Fatal(err)
		}
		other, _ := keyed("k1", "req-B")
		_, err := e.svc.CreateCard(other, s, cardInput("cotton", img, nil))
		wantCode(t, err, catalog.Conflict)
	})
	t.Run("keys are per account", func(t *testing.T) {
		e := newEnv(t)
		s1, s2 := e.account(catalog.RoleSupplier, "factory1"), e.account(catalog.RoleSupplier, "factory2")
		ctx, _ := keyed("same", "req-A")
		a, err1 := e.svc.CreateCard(ctx, s1, cardInput("silk", e.image(s1), nil))
		b, err2 := e.svc.CreateCard(ctx, s2, cardInput("silk", e.image(s2), nil))
		if err1 != nil || err2 != nil || a.ID == b.ID {
			t.Fatalf("two accounts' cards = %s, %s (%v, %v)", a.ID, b.ID, err1, err2)
		}
	})
	t.Run("a failed request leaves no record, so its retry runs", func(t *testing.T) {
		e := newEnv(t)
		s := e.account(catalog.RoleSupplier, "factory")
		ctx, _ := keyed("k1", "req-A")
		bad := cardInput("silk", "no-such-image", nil)
		_, err := e.svc.CreateCard(ctx, s, bad)
		wantCode(t, err, catalog.Invalid)
		if _, err := e.svc.CreateCard(ctx, s, cardInput("silk", e.image(s), nil)); err != nil {
			t.Fatalf("retry after a refused request: %v", err)
		}
	})
	t.Run("after 24 hours the key makes a new card", func(t *testing.T) {
		e := newEnv(t)
		s := e.account(catalog.RoleSupplier, "factory")
		in := cardInput("silk", e.image(s), nil)
		ctx, cond := keyed("k1", "req-A")
		first, _ := e.svc.CreateCard(ctx, s, in)
		e.now = e.now.Add(catalog.IdempotencyWindow)
		later, err := e.svc.CreateCard(ctx, s, in)
		if err != nil || cond.Replayed || later.ID == first.ID {
			t.Fatalf("after the window: %v, replayed %v, same card %v", err, cond.Replayed, later.ID == first.ID)
		}
	})
	t.Run("a patch retried with its key is applied once", func(t *testing.T) {
		e := newEnv(t)
		s := e.account(catalog.RoleSupplier, "factory")
		c, _ := e.svc.CreateCard(bg, s, cardInput("silk", e.image(s), nil))
		title := "silk v2"
		ctx, _ := keyed("p1", "patch-A")
		first, err := e.svc.UpdateCard(ctx, s, c.ID, catalog.CardInput{Title: &title})
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.svc.UpdateCard(ctx, s, c.ID, catalog.CardInput{Title: &title})
		if err != nil || again.Version != first.Version || first.Version != 2 {
			t.Fatalf("versions %d then %d (%v); want 2 twice", first.Version, again.Version, err)
		}
	})
}

// Ensure the If-Match rules on every editable object: a stale version is
// PreconditionFailed and writes nothing; the current one succeeds and
// raises the version by one.
func TestService_IfMatch(t *testing.T) {
	t.Run("card", func(t *testing.T) {
		e := newEnv(t)
		s := e.account(catalog.RoleSupplier, "factory")
		c, _ := e.svc.CreateCard(bg, s, cardInput("silk", e.image(s), nil))
		title := "changed"
		_, err := e.svc.UpdateCard(ifMatch(c.Version+1), s, c.ID, catalog.CardInput{Title: &title})
		wantCode(t, err, catalog.PreconditionFailed)
		if got, _ := e.svc.Card(bg, &s, c.ID); got.Title != "silk" || got.Version != 1 {
			t.Fatalf("a refused patch wrote: %q v%d", got.Title, got.Version)
		}
		got, err := e.svc.UpdateCard(ifMatch(c.Version), s, c.ID, catalog.CardInput{Title: &title})
		if err != nil || got.Version != 2 || got.Title != title {
			t.Fatalf("patch with the current version = %+v, %v", got, err)
		}
		wantCode(t, e.svc.WithdrawCard(ifMatch(1), s, c.ID), catalog.PreconditionFailed)
		if err := e.svc.WithdrawCard(ifMatch(2), s, c.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("profile", func(t *testing.T) {
		e := newEnv(t)
		s := e.account(catalog.RoleSupplier, "factory")
		bio := "since 2005"
		v, err := e.svc.UpdateProfile(ifMatch(1), s, catalog.ProfileInput{Bio: &bio})
		if err != nil || v.Version != 2 {
			t.Fatalf("profile = %+v, %v; want version 2", v, err)
		}
		_, err = e.svc.UpdateProfile(ifMatch(1), s, catalog.ProfileInput{Bio: &bio})
		wantCode(t, err, catalog.PreconditionFailed)
	})
	t.Run("follower", func(t *testing.T) {
		e := newEnv(t)
		s := e.account(catalog.RoleSupplier, "factory")
		d := e.account(catalog.RoleDistributor, "shop")
		if _, err := e.svc.FollowSupplier(bg, d, s.ID); err != nil {
			t.Fatal(err)
		}
		blocked := string(catalog.StateBlocked)
		_, err := e.svc.UpdateFollower(ifMatch(7), s, d.ID, catalog.FollowerInput{State: &blocked})
		wantCode(t, err, catalog.PreconditionFailed)
		item, err := e.svc.UpdateFollower(ifMatch(1), s, d.ID, catalog.FollowerInput{State: &blocked})
		if err != nil || item.Version != 2 || item.State != string(blocked) {
			t.Fatalf("follower = %+v, %v", item, err)
		}
	})
}

// Ensure that removing or renaming a level moves its followers, each with a
// follow.changed in the log, drops the level's prices from cards, and
// leaves every card editable.
func TestService_UpdateProfile_RemovingALevel(t *testing.T) {
	e := newEnv(t)
	s := e.account(catalog.RoleSupplier, "factory")
	levels := []string{"standard", "gold", "vip"}
	if _, err := e.svc.UpdateProfile(bg, s, catalog.ProfileInput{Levels: &levels}); err != nil {
		t.Fatal(err)
	}
	gold, vip, standard := e.account(catalog.RoleDistributor, "goldshop"), e.account(catalog.RoleDistributor, "vipshop"), e.account(catalog.RoleDistributor, "plainshop")
	for d, level := range map[*catalog.Account]string{&gold: "gold", &vip: "vip", &standard: "standard"} {
		if _, err := e.svc.FollowSupplier(bg, *d, s.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UpdateFollower(bg, s, d.ID, catalog.FollowerInput{Level: &level}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := e.svc.CreateCard(bg, s, cardInput("silk", e.image(s), map[string]int64{"gold": 900, "vip": 800}))
	if err != nil {
		t.Fatal(err)
	}
	info, _ := e.db.Log(bg)

	// "gold" is renamed "premium"; "vip" stays.
	renamed := []string{"standard", "premium", "vip"}
	if _, err := e.svc.UpdateProfile(bg, s, catalog.ProfileInput{Levels: &renamed}); err != nil {
		t.Fatal(err)
	}
	changes, err := e.db.LogChanges(bg, info.Last, 100)
	if err != nil {
		t.Fatal(err)
	}
	var moved []string
	cardUpdated := false
	for _, ch := range changes {
		switch {
		case ch.Kind == catalog.FollowChanged:
			moved = append(moved, ch.Follow.DistributorID+"→"+ch.Follow.Level)
		case ch.Kind == catalog.CardUpdated && ch.Card.ID == c.ID:
			cardUpdated = true
		}
	}
	if len(moved) != 1 || moved[0] != gold.ID+"→standard" {
		t.Fatalf("follow changes = %v; want only the gold follower moved to standard", moved)
	}
	if !cardUpdated {
		t.Fatal("the card that priced the removed level got no card.updated")
	}
	got, err := e.svc.Card(bg, &s, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.LevelPrices["gold"]; ok || got.LevelPrices["vip"] != 800 {
		t.Fatalf("level prices after the rename = %v; want gold dropped, vip kept", got.LevelPrices)
	}
	title := "silk, edited after the rename"
	if _, err := e.svc.UpdateCard(bg, s, c.ID, catalog.CardInput{Title: &title}); err != nil {
		t.Fatalf("editing the card after the rename: %v", err)
	}
	// Adding "gold" back must not revive the old price.
	back := []string{"standard", "gold"}
	if _, err := e.svc.UpdateProfile(bg, s, catalog.ProfileInput{Levels: &back}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.svc.Card(bg, &s, c.ID); got.LevelPrices["gold"] != 0 {
		t.Fatalf("the removed level's price came back: %v", got.LevelPrices)
	}
}

// Ensure that a card stored with the price of a level the supplier no
// longer has (written before levels were kept in step) can still be
// edited: the stale price is dropped, not refused.
func TestService_UpdateCard_StaleLevelPrice(t *testing.T) {
	e := newEnv(t)
	s := e.account(catalog.RoleSupplier, "factory")
	c, err := e.svc.CreateCard(bg, s, cardInput("silk", e.image(s), nil))
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := e.db.Card(bg, c.ID)
	stored.LevelPrices = map[string]int64{"gold": 900}
	if _, err := e.db.SaveCard(bg, stored, catalog.CardUpdated); err != nil {
		t.Fatal(err)
	}
	title := "edited"
	got, err := e.svc.UpdateCard(bg, s, c.ID, catalog.CardInput{Title: &title})
	if err != nil || len(got.LevelPrices) != 0 {
		t.Fatalf("edit = %v, level prices %v; want success with the stale price dropped", err, got.LevelPrices)
	}
	// Naming a level that does not exist in the patch itself is still refused.
	bad := map[string]int64{"gold": 900}
	_, err = e.svc.UpdateCard(bg, s, c.ID, catalog.CardInput{LevelPrices: &bad})
	wantCode(t, err, catalog.Invalid)
}
