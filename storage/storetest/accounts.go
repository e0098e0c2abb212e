package storetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

func testIdempotency(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("SavedRecordReadsBack", func(t *testing.T) {
		f := open(t)
		a := f.distributor()
		rec := catalog.IdempotencyRecord{Fingerprint: "POST /v1/orders 1f2e", Result: []byte(`{"id":"o1"}`), CreatedAt: base}
		f.update(func(tx catalog.Tx) error { return tx.SaveIdempotencyRecord(a.ID, "k1", rec) })
		f.view(func(tx catalog.Tx) error {
			got, ok, err := tx.IdempotencyRecord(a.ID, "k1")
			if err != nil || !ok || got.Fingerprint != rec.Fingerprint || string(got.Result) != string(rec.Result) || !got.CreatedAt.Equal(rec.CreatedAt) {
				t.Errorf("IdempotencyRecord = %+v, %v, %v; want %+v", got, ok, err, rec)
			}
			if _, ok, err := tx.IdempotencyRecord(a.ID, "k2"); ok || err != nil {
				t.Errorf("an unknown key: found %v, %v", ok, err)
			}
			return nil
		})
	})

	t.Run("KeysAreOwnedByTheirAccount", func(t *testing.T) {
		f := open(t)
		a, b := f.distributor(), f.distributor()
		ra := catalog.IdempotencyRecord{Fingerprint: "a", Result: []byte(`1`), CreatedAt: base}
		rb := catalog.IdempotencyRecord{Fingerprint: "b", Result: []byte(`2`), CreatedAt: base}
		f.update(func(tx catalog.Tx) error { return tx.SaveIdempotencyRecord(a.ID, "same", ra) })
		f.view(func(tx catalog.Tx) error {
			if _, ok, err := tx.IdempotencyRecord(b.ID, "same"); ok || err != nil {
				t.Errorf("b reads a's key: %v, %v", ok, err)
			}
			return nil
		})
		f.update(func(tx catalog.Tx) error { return tx.SaveIdempotencyRecord(b.ID, "same", rb) })
		f.view(func(tx catalog.Tx) error {
			for _, c := range []struct {
				id   string
				want string
			}{{a.ID, "a"}, {b.ID, "b"}} {
				got, ok, err := tx.IdempotencyRecord(c.id, "same")
				if err != nil || !ok || got.Fingerprint != c.want {
					t.Errorf("record of %s = %+v, %v, %v; want fingerprint %s", c.id, got, ok, err, c.want)
				}
			}
			return nil
		})
	})

	t.Run("SavingAgainReplacesTheRecord", func(t *testing.T) {
		f := open(t)
		a := f.distributor()
		for i, fp := range []string{"first", "second"} {
			rec := catalog.IdempotencyRecord{Fingerprint: fp, Result: []byte(`"` + fp + `"`), CreatedAt: base.Add(time.Duration(i) * time.Hour)}
			f.update(func(tx catalog.Tx) error { return tx.SaveIdempotencyRecord(a.ID, "k", rec) })
		}
		f.view(func(tx catalog.Tx) error {
			got, ok, err := tx.IdempotencyRecord(a.ID, "k")
			if err != nil || !ok || got.Fingerprint != "second" || string(got.Result) != `"second"` {
				t.Errorf("record = %+v, %v, %v; want the second", got, ok, err)
			}
			return nil
		})
	})

	t.Run("ConcurrentFirstUsesDoTheWorkOnce", func(t *testing.T) {
		// The service's pattern: read the key's record, and without one
		// do the work and save the record, in one unit. Racing retries
		// of one request must publish one card, whatever the isolation
		// the store runs units at.
		f := open(t)
		sup := f.supplier()
		start := f.logInfo().Last
		const racers = 6
		var wg sync.WaitGroup
		for i := 0; i < racers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
					if _, ok, err := tx.IdempotencyRecord(sup.ID, "post-1"); ok || err != nil {
						return err
					}
					c := f.newCard(sup.ID)
					if _, err := publish(tx, c); err != nil {
						return err
					}
					return tx.SaveIdempotencyRecord(sup.ID, "post-1", catalog.IdempotencyRecord{
						Fingerprint: "POST /v1/cards", Result: []byte(`{"id":"` + c.ID + `"}`), CreatedAt: base})
				})
				if err != nil {
					t.Errorf("Update: %v", err)
				}
			}()
		}
		wg.Wait()
		cards, err := f.s.Cards.SupplierCards(f.ctx, sup.ID, "", 100)
		noErr(t, "SupplierCards", err)
		if n := len(f.logAfter(start)); len(cards) != 1 || n != 1 {
			t.Fatalf("%d racing first uses of one key published %d cards and %d changes, want 1 and 1", racers, len(cards), n)
		}
		f.view(func(tx catalog.Tx) error {
			r, ok, err := tx.IdempotencyRecord(sup.ID, "post-1")
			if err != nil || !ok || string(r.Result) != `{"id":"`+cards[0].ID+`"}` {
				t.Errorf("the record = %s, %v, %v; want the published card's", r.Result, ok, err)
			}
			return nil
		})
	})

	t.Run("LongestKeyIsKept", func(t *testing.T) {
		f := open(t)
		a := f.distributor()
		key := strings.Repeat("k", catalog.MaxIdempotencyKeyLen)
		rec := catalog.IdempotencyRecord{Fingerprint: "x", Result: []byte(`{}`), CreatedAt: base}
		f.update(func(tx catalog.Tx) error { return tx.SaveIdempotencyRecord(a.ID, key, rec) })
		f.view(func(tx catalog.Tx) error {
			if _, ok, err := tx.IdempotencyRecord(a.ID, key); !ok || err != nil {
				t.Errorf("a %d-byte key: found %v, %v", len(key), ok, err)
			}
			return nil
		})
	})
}

func testAccounts(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("CreatedAccountReadsBack", func(t *testing.T) {
		f := open(t)
		a := f.newSupplier()
		a.Bio, a.Contact, a.FollowPolicy = "做女装十年", "wx: abc", catalog.PolicyApproval
		a.Levels, a.Badges, a.Guarantees = []string{"standard", "gold", "vip"}, []string{"verified"}, []string{"ship_48h", "exchange_15d"}
		a.LevelRules = []catalog.LevelRule{{Level: "gold", MinSpend90d: 100000}, {Level: "vip", MinSpend90d: 500000}}
		a.EarnedBadges, a.BadgeOrders, a.Version = []string{"ships_on_time"}, 42, 7
		a.PasswordHash = []byte("$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA\x00\xff")
		f.update(func(tx catalog.Tx) error { return tx.CreateAccount(a) })
		readsBack(f, "Account", a, func() (catalog.Account, error) { return f.s.Accounts.Account(f.ctx, a.ID) },
			func(tx catalog.Tx) (catalog.Account, error) { return tx.Account(a.ID) })
		readsBack(f, "AccountByHandle", a, func() (catalog.Account, error) { return f.s.Accounts.AccountByHandle(f.ctx, a.Handle) },
			func(tx catalog.Tx) (catalog.Account, error) { return tx.AccountByHandle(a.Handle) })
	})

	t.Run("UnknownIsNotFound", func(t *testing.T) {
		f := open(t)
		for _, id := range []string{f.id(), "", "not-a-uuid", "../x"} {
			_, err := f.s.Accounts.Account(f.ctx, id)
			wantCode(t, "Account("+id+")", err, catalog.NotFound)
		}
		for _, h := range []string{"nobody", "", strings.Repeat("x", 2000)} {
			_, err := f.s.Accounts.AccountByHandle(f.ctx, h)
			wantCode(t, "AccountByHandle", err, catalog.NotFound)
		}
	})

	t.Run("TakenHandleIsAConflict", func(t *testing.T) {
		f := open(t)
		a := f.distributor()
		b := f.newDistributor()
		b.Handle = a.Handle
		err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error { return tx.CreateAccount(b) })
		wantCode(t, "CreateAccount with a taken handle", err, catalog.Conflict)
		if _, err := f.s.Accounts.Account(f.ctx, b.ID); catalog.ErrorCode(err) != catalog.NotFound {
			t.Fatalf("the refused account is stored: %v", err)
		}
	})

	t.Run("ConcurrentSignUpsGetAHandleOnce", func(t *testing.T) {
		f := open(t)
		const n = 6
		handle := f.newDistributor().Handle
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			a := f.newDistributor()
			a.Handle = handle
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f.s.Units.Update(f.ctx, func(tx catalog.Tx) error { return tx.CreateAccount(a) })
			}()
		}
		wg.Wait()
		oneWinner(t, "sign-ups with one handle", errs, catalog.Conflict)
	})

	t.Run("MovingAHandleFreesTheOldOne", func(t *testing.T) {
		f := open(t)
		a := f.distributor()
		old := a.Handle
		a.Handle, a.Version = "moved_"+old, 2
		f.update(func(tx catalog.Tx) error { return tx.UpdateAccount(a) })
		_, err := f.s.Accounts.AccountByHandle(f.ctx, old)
		wantCode(t, "the old handle", err, catalog.NotFound)
		got, err := f.s.Accounts.AccountByHandle(f.ctx, a.Handle)
		if err != nil || got.ID != a.ID || got.Version != 2 {
			t.Fatalf("the new handle: %+v, %v", got, err)
		}
		b := f.newDistributor()
		b.Handle = old
		f.update(func(tx catalog.Tx) error { return tx.CreateAccount(b) })
		if got, err := f.s.Accounts.AccountByHandle(f.ctx, old); err != nil || got.ID != b.ID {
			t.Fatalf("the freed handle: %+v, %v", got, err)
		}
	})

	t.Run("MovingOntoATakenHandleIsAConflict", func(t *testing.T) {
		f := open(t)
		a, b := f.distributor(), f.distributor()
		moved := a
		moved.Handle = b.Handle
		err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error { return tx.UpdateAccount(moved) })
		wantCode(t, "UpdateAccount onto a taken handle", err, catalog.Conflict)
		if got, err := f.s.Accounts.AccountByHandle(f.ctx, b.Handle); err != nil || got.ID != b.ID {
			t.Fatalf("b's handle now reads %+v, %v", got, err)
		}
		if got, err := f.s.Accounts.AccountByHandle(f.ctx, a.Handle); err != nil || got.ID != a.ID {
			t.Fatalf("a's handle now reads %+v, %v", got, err)
		}
	})

	t.Run("UpdatingAnUnknownAccountIsNotFound", func(t *testing.T) {
		f := open(t)
		err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error { return tx.UpdateAccount(f.newDistributor()) })
		wantCode(t, "UpdateAccount", err, catalog.NotFound)
	})
}

func testSessions(t *testing.T, open func(t *testing.T) *fixture) {
	newSession := func(f *fixture, accountID string) catalog.Session {
		return catalog.Session{TokenHash: "h" + f.id(), AccountID: accountID, CreatedAt: base, ExpiresAt: base.Add(24 * time.Hour)}
	}

	t.Run("CreateGetDelete", func(t *testing.T) {
		f := open(t)
		a := f.distributor()
		s := newSession(f, a.ID)
		noErr(t, "CreateSession", f.s.Sessions.CreateSession(f.ctx, s))
		got, err := f.s.Sessions.Session(f.ctx, s.TokenHash)
		if err != nil || got.AccountID != a.ID || !got.ExpiresAt.Equal(s.ExpiresAt) || got.TokenHash != s.TokenHash {
			t.Fatalf("Session = %+v, %v", got, err)
		}
		noErr(t, "DeleteSession", f.s.Sessions.DeleteSession(f.ctx, s.TokenHash))
		_, err = f.s.Sessions.Session(f.ctx, s.TokenHash)
		wantCode(t, "Session after delete", err, catalog.NotFound)
		wantCode(t, "DeleteSession again", f.s.Sessions.DeleteSession(f.ctx, s.TokenHash), catalog.NotFound)
	})

	t.Run("ExpiredSessionIsStillReturned", func(t *testing.T) {
		// Judging expiry is the caller's business, with its own clock.
		f := open(t)
		s := newSession(f, f.distributor().ID)
		s.CreatedAt, s.ExpiresAt = base.Add(-48*time.Hour), base.Add(-24*time.Hour)
		noErr(t, "CreateSession", f.s.Sessions.CreateSession(f.ctx, s))
		if got, err := f.s.Sessions.Session(f.ctx, s.TokenHash); err != nil || !got.ExpiresAt.Equal(s.ExpiresAt) {
			t.Fatalf("Session = %+v, %v", got, err)
		}
	})

	t.Run("TicketFieldsReadBack", func(t *testing.T) {
		f := open(t)
		a := f.distributor()
		parent := newSession(f, a.ID)
		ticket := newSession(f, a.ID)
		ticket.Ticket, ticket.ParentHash = true, parent.TokenHash
		noErr(t, "CreateSession", f.s.Sessions.CreateSession(f.ctx, ticket))
		got, err := f.s.Sessions.Session(f.ctx, ticket.TokenHash)
		noErr(t, "Session", err)
		sameObject(t, "ticket", got, ticket)
	})

	t.Run("SessionCreatedInAUnitCommitsWithIt", func(t *testing.T) {
		f := open(t)
		a := f.newDistributor()
		s := newSession(f, a.ID)
		f.update(func(tx catalog.Tx) error {
			if err := tx.CreateAccount(a); err != nil {
				return err
			}
			return tx.CreateSession(s)
		})
		if got, err := f.s.Sessions.Session(f.ctx, s.TokenHash); err != nil || got.AccountID != a.ID {
			t.Fatalf("Session = %+v, %v", got, err)
		}
	})

	t.Run("TakeSessionIsSingleUse", func(t *testing.T) {
		f := open(t)
		s := newSession(f, f.distributor().ID)
		s.Ticket = true
		noErr(t, "CreateSession", f.s.Sessions.CreateSession(f.ctx, s))
		got, err := f.s.Sessions.TakeSession(f.ctx, s.TokenHash)
		if err != nil || got.AccountID != s.AccountID || !got.Ticket {
			t.Fatalf("TakeSession = %+v, %v", got, err)
		}
		_, err = f.s.Sessions.TakeSession(f.ctx, s.TokenHash)
		wantCode(t, "TakeSession again", err, catalog.NotFound)
		_, err = f.s.Sessions.Session(f.ctx, s.TokenHash)
		wantCode(t, "Session after TakeSession", err, catalog.NotFound)
	})

	t.Run("ConcurrentTakeSessionHasOneWinner", func(t *testing.T) {
		f := open(t)
		const rounds, racers = 5, 4
		for r := 0; r < rounds; r++ {
			s := newSession(f, f.distributor().ID)
			noErr(t, "CreateSession", f.s.Sessions.CreateSession(f.ctx, s))
			errs := make([]error, racers)
			var wg sync.WaitGroup
			for i := 0; i < racers; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = f.s.Sessions.TakeSession(f.ctx, s.TokenHash)
				}()
			}
			wg.Wait()
			oneWinner(t, fmt.Sprintf("round %d of TakeSession", r), errs, catalog.NotFound)
		}
	})

	t.Run("UnknownTokenIsNotFound", func(t *testing.T) {
		f := open(t)
		for _, h := range []string{"nope", "", strings.Repeat("h", 5000)} {
			_, err := f.s.Sessions.Session(f.ctx, h)
			wantCode(t, "Session", err, catalog.NotFound)
			_, err = f.s.Sessions.TakeSession(f.ctx, h)
			wantCode(t, "TakeSession", err, catalog.NotFound)
		}
	})
}

func testImages(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("CreatedImageReadsBack", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		img := catalog.Image{ID: f.id(), OwnerID: sup.ID, Width: 1080, Height: 1440, CreatedAt: base}
		f.update(func(tx catalog.Tx) error { return tx.CreateImage(img) })
		got, err := f.s.Images.Image(f.ctx, img.ID)
		if err != nil || got != img {
			t.Fatalf("Image = %+v, %v; want %+v", got, err, img)
		}
		f.view(func(tx catalog.Tx) error {
			if got, err := tx.Image(img.ID); err != nil || got != img {
				t.Errorf("tx.Image = %+v, %v", got, err)
			}
			return nil
		})
	})

	t.Run("ExistingIDIsAConflict", func(t *testing.T) {
		f := open(t)
		img := catalog.Image{ID: f.id(), OwnerID: f.supplier().ID, Width: 10, Height: 10, CreatedAt: base}
		f.update(func(tx catalog.Tx) error { return tx.CreateImage(img) })
		other := img
		other.Width = 20
		err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error { return tx.CreateImage(other) })
		wantCode(t, "CreateImage again", err, catalog.Conflict)
		if got, _ := f.s.Images.Image(f.ctx, img.ID); got.Width != 10 {
			t.Fatalf("the image was overwritten: %+v", got)
		}
	})

	t.Run("UnknownIsNotFound", func(t *testing.T) {
		f := open(t)
		for _, id := range []string{f.id(), "", "x"} {
			_, err := f.s.Images.Image(f.ctx, id)
			wantCode(t, "Image", err, catalog.NotFound)
		}
	})
}

func testAppKeys(t *testing.T, open func(t *testing.T) *fixture) {
	newKey := func(f *fixture, accountID, name string) catalog.AppKey {
		id, at := f.idAt()
		return catalog.AppKey{ID: id, AccountID: accountID, Name: name,
			Scopes: []catalog.Scope{catalog.ScopeFeedRead, catalog.ScopeOrdersRead}, Hash: "kh" + f.id(), CreatedAt: at}
	}

	t.Run("CreateListGetDelete", func(t *testing.T) {
		f := open(t)
		a, b := f.distributor(), f.distributor()
		k1, k2, kb := newKey(f, a.ID, "erp"), newKey(f, a.ID, "shop"), newKey(f, b.ID, "b's")
		for _, k := range []catalog.AppKey{k1, k2, kb} {
			noErr(t, "CreateAppKey", f.s.Keys.CreateAppKey(f.ctx, k))
		}
		keys, err := f.s.Keys.AppKeys(f.ctx, a.ID)
		noErr(t, "AppKeys", err)
		if len(keys) != 2 || keys[0].ID != k1.ID || keys[1].ID != k2.ID {
			t.Fatalf("AppKeys = %+v, want k1 then k2 (oldest first)", keys)
		}
		got, err := f.s.Keys.AppKeyByHash(f.ctx, k2.Hash)
		if err != nil || got.ID != k2.ID || got.AccountID != a.ID || got.Name != "shop" || !slices.Equal(got.Scopes, k2.Scopes) || got.LastUsedAt != nil {
			t.Fatalf("AppKeyByHash = %+v, %v", got, err)
		}
		wantCode(t, "deleting b's key as a", f.s.Keys.DeleteAppKey(f.ctx, a.ID, kb.ID), catalog.NotFound)
		if _, err := f.s.Keys.AppKeyByHash(f.ctx, kb.Hash); err != nil {
			t.Fatalf("b's key after a tried to delete it: %v", err)
		}
		noErr(t, "DeleteAppKey", f.s.Keys.DeleteAppKey(f.ctx, a.ID, k1.ID))
		_, err = f.s.Keys.AppKeyByHash(f.ctx, k1.Hash)
		wantCode(t, "AppKeyByHash after delete", err, catalog.NotFound)
		if keys, _ := f.s.Keys.AppKeys(f.ctx, a.ID); len(keys) != 1 || keys[0].ID != k2.ID {
			t.Fatalf("AppKeys after delete = %+v", keys)
		}
		wantCode(t, "DeleteAppKey again", f.s.Keys.DeleteAppKey(f.ctx, a.ID, k1.ID), catalog.NotFound)
	})

	t.Run("TouchSetsLastUsed", func(t *testing.T) {
		f := open(t)
		k := newKey(f, f.distributor().ID, "erp")
		noErr(t, "CreateAppKey", f.s.Keys.CreateAppKey(f.ctx, k))
		at := base.Add(time.Hour)
		noErr(t, "TouchAppKey", f.s.Keys.TouchAppKey(f.ctx, k.Hash, at))
		got, err := f.s.Keys.AppKeyByHash(f.ctx, k.Hash)
		noErr(t, "AppKeyByHash", err)
		k.LastUsedAt = &at
		sameObject(t, "AppKey after TouchAppKey", got, k)
		wantCode(t, "TouchAppKey of an unknown key", f.s.Keys.TouchAppKey(f.ctx, "nope", at), catalog.NotFound)
	})

	t.Run("ExistingHashIsAConflict", func(t *testing.T) {
		f := open(t)
		a := f.distributor()
		k := newKey(f, a.ID, "erp")
		noErr(t, "CreateAppKey", f.s.Keys.CreateAppKey(f.ctx, k))
		again := newKey(f, a.ID, "other")
		again.Hash = k.Hash
		wantCode(t, "CreateAppKey with a taken hash", f.s.Keys.CreateAppKey(f.ctx, again), catalog.Conflict)
	})

	t.Run("UnknownHashIsNotFound", func(t *testing.T) {
		f := open(t)
		_, err := f.s.Keys.AppKeyByHash(f.ctx, "nope")
		wantCode(t, "AppKeyByHash", err, catalog.NotFound)
		keys, err := f.s.Keys.AppKeys(f.ctx, f.id())
		if err != nil || len(keys) != 0 {
			t.Fatalf("AppKeys of an account without keys = %v, %v", keys, err)
		}
	})
}
