package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// errAbort is what the suite's failing units return.
var errAbort = errors.New("storetest: abort this unit")

// written is everything one unit of work writes, for the rules that
// check it all committed or none of it did.
type written struct {
	account catalog.Account
	session catalog.Session
	image   catalog.Image
	card    catalog.Card
	follow  catalog.Follow
	order   catalog.Order
	idemKey string
	idem    catalog.IdempotencyRecord
}

// writeAll makes every kind of write a unit of work can make, for a new
// distributor following an existing supplier.
func (f *fixture) writeAll(tx catalog.Tx, sup catalog.Account) (written, error) {
	w := written{account: f.newDistributor(), card: f.newCard(sup.ID), idemKey: "key-" + f.id()}
	w.session = catalog.Session{TokenHash: "hash-" + f.id(), AccountID: w.account.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	w.image = catalog.Image{ID: f.id(), OwnerID: sup.ID, Width: 800, Height: 600, CreatedAt: base}
	w.follow = catalog.Follow{SupplierID: sup.ID, DistributorID: w.account.ID, State: catalog.StateActive,
		Level: "standard", ManualLevel: "standard", Since: base, Version: 1}
	w.order = f.newOrder(sup.ID, w.account.ID, w.card.ID, base)
	w.order.OutOrderID = "out-" + f.id()
	w.idem = catalog.IdempotencyRecord{Fingerprint: "POST /v1/cards abc", Result: []byte(`{"id":"x"}`), CreatedAt: base}
	steps := []func() error{
		func() error { return tx.CreateAccount(w.account) },
		func() error { return tx.CreateSession(w.session) },
		func() error { return tx.CreateImage(w.image) },
		func() error { _, err := publish(tx, w.card); return err },
		func() error { _, err := tx.SaveFollow(w.follow); return err },
		func() error { _, err := tx.SaveOrder(w.order, catalog.OrderSubmittedChange); return err },
		func() error { return tx.SaveIdempotencyRecord(w.account.ID, w.idemKey, w.idem) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			return w, fmt.Errorf("write %d: %w", i, err)
		}
	}
	return w, nil
}

// visible reports, per kind of write, whether it can be read back.
func (f *fixture) visible(w written) map[string]bool {
	f.t.Helper()
	ctx := f.ctx
	found := func(err error) bool {
		if err != nil && catalog.ErrorCode(err) != catalog.NotFound {
			f.t.Fatalf("reading back: %v", err)
		}
		return err == nil
	}
	v := map[string]bool{}
	_, err := f.s.Accounts.Account(ctx, w.account.ID)
	v["account"] = found(err)
	_, err = f.s.Accounts.AccountByHandle(ctx, w.account.Handle)
	v["handle"] = found(err)
	_, err = f.s.Sessions.Session(ctx, w.session.TokenHash)
	v["session"] = found(err)
	_, err = f.s.Images.Image(ctx, w.image.ID)
	v["image"] = found(err)
	_, err = f.s.Cards.Card(ctx, w.card.ID)
	v["card"] = found(err)
	_, err = f.s.Follows.Follow(ctx, w.follow.SupplierID, w.follow.DistributorID)
	v["follow"] = found(err)
	orders, _, err := f.s.Orders.AccountOrders(ctx, w.account.ID, "", "", 10)
	noErr(f.t, "AccountOrders", err)
	v["order in list"] = len(orders) > 0
	f.view(func(tx catalog.Tx) error {
		_, err := tx.Order(w.order.ID)
		v["order"] = found(err)
		_, ok, err := tx.OrderByOutID(w.account.ID, w.order.OutOrderID)
		v["out_order_id"] = ok
		if err != nil {
			return err
		}
		_, ok, err = tx.IdempotencyRecord(w.account.ID, w.idemKey)
		v["idempotency record"] = ok
		return err
	})
	return v
}

func testUnitOfWork(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("UpdateCommitsEveryWrite", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		before := f.logInfo().Last
		var w written
		f.update(func(tx catalog.Tx) error {
			var err error
			w, err = f.writeAll(tx, sup)
			return err
		})
		for what, ok := range f.visible(w) {
			if !ok {
				t.Errorf("%s not visible after commit", what)
			}
		}
		// card.published, follow.changed and order.submitted.
		if got := len(f.logAfter(before)); got != 3 {
			t.Errorf("the unit appended %d changes, want 3", got)
		}
	})

	t.Run("FailedUpdateRollsBackEverything", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		before := f.logInfo()
		var w written
		err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
			var err error
			if w, err = f.writeAll(tx, sup); err != nil {
				return err
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("Update = %v, want fn's error", err)
		}
		for what, ok := range f.visible(w) {
			if ok {
				t.Errorf("%s visible after a rollback", what)
			}
		}
		if after := f.logInfo(); after.Last != before.Last {
			t.Errorf("Log().Last = %d after a rollback, was %d", after.Last, before.Last)
		}
		if got := f.logAfter(before.Last); len(got) != 0 {
			t.Errorf("a rolled-back unit left %d changes in the log", len(got))
		}
		// The handle the rolled-back unit took is free again.
		f.update(func(tx catalog.Tx) error { return tx.CreateAccount(w.account) })
	})

	t.Run("FailedUpdateKeepsThePreviousState", func(t *testing.T) {
		// A failing unit that changed existing objects leaves each as it
		// was: the moved handle still names its account, the card and
		// follow read as before, the replaced record is the first.
		f := open(t)
		sup, dist := f.supplier(), f.distributor()
		card, _ := f.card(sup.ID)
		f.follow(sup.ID, dist.ID, catalog.StatePending, base)
		first := catalog.IdempotencyRecord{Fingerprint: "first", Result: []byte(`1`), CreatedAt: base}
		f.update(func(tx catalog.Tx) error { return tx.SaveIdempotencyRecord(dist.ID, "k", first) })
		before := f.logInfo().Last
		err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
			moved := dist
			moved.Handle, moved.Version = "moved_"+dist.Handle, 2
			if err := tx.UpdateAccount(moved); err != nil {
				return err
			}
			c := card
			c.Title, c.Version = "rolled back", 2
			if _, err := tx.SaveCard(c, catalog.CardUpdated); err != nil {
				return err
			}
			fw := catalog.Follow{SupplierID: sup.ID, DistributorID: dist.ID, State: catalog.StateActive,
				Level: "gold", ManualLevel: "gold", Since: base, Version: 2}
			if _, err := tx.SaveFollow(fw); err != nil {
				return err
			}
			if err := tx.SaveIdempotencyRecord(dist.ID, "k", catalog.IdempotencyRecord{Fingerprint: "second", CreatedAt: base}); err != nil {
				return err
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("Update = %v, want fn's error", err)
		}
		if got, err := f.s.Accounts.AccountByHandle(f.ctx, dist.Handle); err != nil || got.ID != dist.ID || got.Version != dist.Version {
			t.Errorf("the old handle after a rollback: %+v, %v", got, err)
		}
		_, err = f.s.Accounts.AccountByHandle(f.ctx, "moved_"+dist.Handle)
		wantCode(t, "the new handle after a rollback", err, catalog.NotFound)
		if got, err := f.s.Cards.Card(f.ctx, card.ID); err != nil || got.Title != card.Title || got.Version != card.Version {
			t.Errorf("the card after a rollback: %q v%d, %v", got.Title, got.Version, err)
		}
		if got, err := f.s.Follows.Follow(f.ctx, sup.ID, dist.ID); err != nil || got.State != catalog.StatePending || got.Level != "standard" {
			t.Errorf("the follow after a rollback: %+v, %v", got, err)
		}
		if active, _, err := f.s.Follows.Followers(f.ctx, sup.ID, catalog.StateActive, "", 10); err != nil || len(active) != 0 {
			t.Errorf("active followers after a rollback: %d, %v", len(active), err)
		}
		f.view(func(tx catalog.Tx) error {
			if r, ok, err := tx.IdempotencyRecord(dist.ID, "k"); err != nil || !ok || r.Fingerprint != "first" {
				t.Errorf("the record after a rollback: %+v, %v, %v", r, ok, err)
			}
			return nil
		})
		if got := f.logAfter(before); len(got) != 0 {
			t.Errorf("the rolled-back unit left changes %v", seqs(got))
		}
	})

	t.Run("UpdateReturnsFnErrorWithItsCode", func(t *testing.T) {
		f := open(t)
		err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
			return catalog.Errorf(catalog.Conflict, "version mismatch")
		})
		wantCode(t, "Update", err, catalog.Conflict)
		err = f.s.Units.View(f.ctx, func(tx catalog.Tx) error { return errAbort })
		if !errors.Is(err, errAbort) {
			t.Fatalf("View = %v, want fn's error", err)
		}
	})

	t.Run("ReadsSeeTheUnitsOwnWrites", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		f.update(func(tx catalog.Tx) error {
			w, err := f.writeAll(tx, sup)
			if err != nil {
				return err
			}
			if a, err := tx.Account(w.account.ID); err != nil || a.Handle != w.account.Handle {
				return fmt.Errorf("Account: %+v, %v", a, err)
			}
			if a, err := tx.AccountByHandle(w.account.Handle); err != nil || a.ID != w.account.ID {
				return fmt.Errorf("AccountByHandle: %+v, %v", a, err)
			}
			if img, err := tx.Image(w.image.ID); err != nil || img.Width != w.image.Width {
				return fmt.Errorf("Image: %+v, %v", img, err)
			}
			if c, err := tx.Card(w.card.ID); err != nil || c.Title != w.card.Title {
				return fmt.Errorf("Card: %+v, %v", c, err)
			}
			if cards, err := tx.SupplierCards(sup.ID); err != nil || len(cards) != 1 || cards[0].ID != w.card.ID {
				return fmt.Errorf("SupplierCards: %v, %v", ids(cards, cardID), err)
			}
			if fw, err := tx.Follow(sup.ID, w.account.ID); err != nil || fw.State != catalog.StateActive {
				return fmt.Errorf("Follow: %+v, %v", fw, err)
			}
			if fs, err := tx.SupplierFollows(sup.ID); err != nil || len(fs) != 1 {
				return fmt.Errorf("SupplierFollows: %+v, %v", fs, err)
			}
			if o, err := tx.Order(w.order.ID); err != nil || o.Consignee != w.order.Consignee {
				return fmt.Errorf("Order: %+v, %v", o, err)
			}
			if id, ok, err := tx.OrderByOutID(w.account.ID, w.order.OutOrderID); err != nil || !ok || id != w.order.ID {
				return fmt.Errorf("OrderByOutID: %q %v %v", id, ok, err)
			}
			if r, ok, err := tx.IdempotencyRecord(w.account.ID, w.idemKey); err != nil || !ok || r.Fingerprint != w.idem.Fingerprint {
				return fmt.Errorf("IdempotencyRecord: %+v %v %v", r, ok, err)
			}
			return nil
		})
	})

	t.Run("ViewCannotWrite", func(t *testing.T) {
		f := open(t)
		a := f.newDistributor()
		err := f.s.Units.View(f.ctx, func(tx catalog.Tx) error { return tx.CreateAccount(a) })
		if err == nil {
			t.Fatal("CreateAccount in a View succeeded")
		}
		if _, err := f.s.Accounts.Account(f.ctx, a.ID); catalog.ErrorCode(err) != catalog.NotFound {
			t.Fatalf("the account written in a View is there: %v", err)
		}
	})

	t.Run("CancelledContextIsAnError", func(t *testing.T) {
		f := open(t)
		ctx, cancel := context.WithCancel(f.ctx)
		cancel()
		a := f.newDistributor()
		if err := f.s.Units.Update(ctx, func(tx catalog.Tx) error { return tx.CreateAccount(a) }); err == nil {
			t.Error("Update with a cancelled context succeeded")
		}
		if _, err := f.s.Accounts.Account(f.ctx, a.ID); catalog.ErrorCode(err) != catalog.NotFound {
			t.Errorf("Update with a cancelled context committed: %v", err)
		}
		if err := f.s.Units.View(ctx, func(tx catalog.Tx) error { return nil }); err == nil {
			t.Error("View with a cancelled context succeeded")
		}
	})

	t.Run("ViewIsOneSnapshot", func(t *testing.T) {
		f := open(t)
		a, b := f.distributor(), f.distributor()
		setBoth := func(gen int) error {
			return f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
				for _, id := range []string{a.ID, b.ID} {
					acc, err := tx.Account(id)
					if err != nil {
						return err
					}
					acc.Bio = fmt.Sprint(gen)
					if err := tx.UpdateAccount(acc); err != nil {
						return err
					}
				}
				return nil
			})
		}
		noErr(t, "setBoth", setBoth(1))
		// A writer commits both accounts between the View's two reads. A
		// store whose writer waits for readers (bbolt growing its file)
		// may not commit within the wait; the View must still see one
		// state.
		var gotA, gotB string
		done := make(chan error, 1)
		f.view(func(tx catalog.Tx) error {
			acc, err := tx.Account(a.ID)
			if err != nil {
				return err
			}
			gotA = acc.Bio
			go func() { done <- setBoth(2) }()
			select {
			case err := <-done:
				done <- err
			case <-time.After(500 * time.Millisecond):
			}
			acc, err = tx.Account(b.ID)
			gotB = acc.Bio
			return err
		})
		select {
		case err := <-done:
			noErr(t, "concurrent setBoth", err)
		case <-time.After(waitLimit):
			t.Fatal("the concurrent writer never committed")
		}
		if gotA != "1" || gotB != "1" {
			t.Fatalf("View read a = %q, b = %q: not one snapshot (want 1 and 1)", gotA, gotB)
		}
		// Many readers against a writer: no View sees half a commit.
		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(stop)
			for gen := 3; gen < 30; gen++ {
				if err := setBoth(gen); err != nil {
					t.Errorf("setBoth: %v", err)
					return
				}
			}
		}()
		for r := 0; r < 3; r++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					err := f.s.Units.View(f.ctx, func(tx catalog.Tx) error {
						x, err := tx.Account(a.ID)
						if err != nil {
							return err
						}
						y, err := tx.Account(b.ID)
						if err == nil && x.Bio != y.Bio {
							return fmt.Errorf("View saw a at %s and b at %s", x.Bio, y.Bio)
						}
						return err
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
	})

	t.Run("ConcurrentUpdatesLoseNoWrite", func(t *testing.T) {
		// Read-modify-write units run concurrently: each increment is
		// kept, however the store serialises them (a lock, or a retry
		// of fn after a serialisation failure), and each unit's change
		// is appended once.
		f := open(t)
		a := f.supplier()
		start := f.logInfo().Last
		const writers, each = 6, 5
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
						acc, err := tx.Account(a.ID)
						if err != nil {
							return err
						}
						acc.Version++
						if err := tx.UpdateAccount(acc); err != nil {
							return err
						}
						_, err = publish(tx, f.newCard(a.ID))
						return err
					})
					if err != nil {
						t.Errorf("Update: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		got, err := f.s.Accounts.Account(f.ctx, a.ID)
		noErr(t, "Account", err)
		if want := a.Version + writers*each; got.Version != want {
			t.Fatalf("Version = %d after %d increments from %d: updates were lost", got.Version, writers*each, a.Version)
		}
		// However often fn ran, each unit's change is in the log once.
		if n := len(f.logAfter(start)); n != writers*each {
			t.Fatalf("the log holds %d changes from %d committed units", n, writers*each)
		}
	})
}
