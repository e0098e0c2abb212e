package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// withdraw saves c with a card.withdrawn change.
func (f *fixture) withdraw(c catalog.Card) {
	f.t.Helper()
	f.update(func(tx catalog.Tx) error { _, err := tx.SaveCard(c, catalog.CardWithdrawn); return err })
}

// cards publishes n cards of supplierID, oldest first.
func (f *fixture) cards(supplierID string, n int) []catalog.Card {
	f.t.Helper()
	out := make([]catalog.Card, n)
	for i := range out {
		out[i], _ = f.card(supplierID)
	}
	return out
}

func testCards(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("CardReadsBackWithEveryField", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		plain := f.newCard(sup.ID)
		full := f.newCard(sup.ID)
		second := catalog.Image{ID: f.id(), OwnerID: sup.ID, Width: 800, Height: 800, CreatedAt: full.CreatedAt}
		red, blue := int64(3), int64(0)
		full.Images = append(full.Images, second)
		full.Tags = []string{"女装", "夏季", "连衣裙"}
		full.LevelPrices = map[string]int64{"gold": 1100, "vip": 1000}
		full.VolumePrices = []catalog.VolumePrice{{MinQty: 10, Price: 1000}, {MinQty: 50, Price: 900}}
		full.Stock, full.Variants = nil, []catalog.Variant{{Spec: "红色 M", Stock: &red}, {Spec: "蓝色 L", Stock: &blue}, {Spec: "白色", Stock: nil}}
		full.SoldOut, full.Version = true, 3
		full.EarlyAccess = &catalog.EarlyAccess{Level: "gold", Hours: 24}
		full.ReleaseAt, full.Released, full.ReleaseSeq = full.CreatedAt.Add(24*time.Hour), true, 9
		for _, c := range []catalog.Card{plain, full} {
			f.update(func(tx catalog.Tx) error { _, err := publish(tx, c); return err })
			readsBack(f, "Card", c, func() (catalog.Card, error) { return f.s.Cards.Card(f.ctx, c.ID) },
				func(tx catalog.Tx) (catalog.Card, error) { return tx.Card(c.ID) })
		}
	})

	t.Run("WithdrawnChangeLeavesTheCardWithdrawn", func(t *testing.T) {
		f := open(t)
		c, _ := f.card(f.supplier().ID)
		c.Withdrawn = false // the kind decides, not the field
		f.withdraw(c)
		got, err := f.s.Cards.Card(f.ctx, c.ID)
		if err != nil || !got.Withdrawn {
			t.Fatalf("Card after card.withdrawn = withdrawn %v, %v; want withdrawn and still readable", got.Withdrawn, err)
		}
		f.view(func(tx catalog.Tx) error {
			if got, err := tx.Card(c.ID); err != nil || !got.Withdrawn {
				t.Errorf("tx.Card = withdrawn %v, %v", got.Withdrawn, err)
			}
			return nil
		})
	})

	t.Run("SupplierCardsNewestFirstWithPaging", func(t *testing.T) {
		f := open(t)
		sup, other := f.supplier(), f.supplier()
		cs := f.cards(sup.ID, 7)
		f.cards(other.ID, 2)
		f.withdraw(cs[3])
		var want []string
		for i := len(cs) - 1; i >= 0; i-- {
			if i != 3 {
				want = append(want, cs[i].ID)
			}
		}
		got := pagesMayEndEmpty(t, "SupplierCards", 2, cardID, untilEmpty(func(before string) ([]catalog.Card, error) {
			return f.s.Cards.SupplierCards(f.ctx, sup.ID, before, 2)
		}))
		sameIDs(t, "SupplierCards pages", got, want)
		f.view(func(tx catalog.Tx) error {
			all, err := tx.SupplierCards(sup.ID)
			if err != nil {
				return err
			}
			got := ids(all, cardID)
			slices.Sort(got)
			sorted := slices.Clone(want)
			slices.Sort(sorted)
			sameIDs(t, "tx.SupplierCards (any order)", got, sorted)
			return nil
		})
	})

	t.Run("UnknownIsNotFound", func(t *testing.T) {
		f := open(t)
		for _, id := range []string{f.id(), "", "nope"} {
			_, err := f.s.Cards.Card(f.ctx, id)
			wantCode(t, "Card", err, catalog.NotFound)
		}
		if cs, err := f.s.Cards.SupplierCards(f.ctx, f.id(), "", 10); err != nil || len(cs) != 0 {
			t.Fatalf("SupplierCards of nobody = %v, %v", cs, err)
		}
	})
}

func testFeed(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("FeedPageMergesActivelyFollowedSuppliersNewestFirst", func(t *testing.T) {
		f := open(t)
		me, you := f.distributor(), f.distributor()
		a, b, pending, blocked, other := f.supplier(), f.supplier(), f.supplier(), f.supplier(), f.supplier()
		follows := map[string]catalog.Follow{}
		follows[a.ID], _ = f.follow(a.ID, me.ID, catalog.StateActive, base)
		follows[b.ID], _ = f.follow(b.ID, me.ID, catalog.StateActive, base)
		f.follow(pending.ID, me.ID, catalog.StatePending, base)
		f.follow(blocked.ID, me.ID, catalog.StateBlocked, base)
		f.follow(other.ID, you.ID, catalog.StateActive, base)
		var want []string
		var gone catalog.Card
		for i := 0; i < 4; i++ {
			for _, sup := range []catalog.Account{a, b, pending, blocked, other} {
				card, _ := f.card(sup.ID)
				switch {
				case sup.ID != a.ID && sup.ID != b.ID:
				case i == 2 && sup.ID == a.ID:
					gone = card
				default:
					want = append(want, card.ID)
				}
			}
		}
		f.withdraw(gone)
		publishers := map[string]*catalog.Publisher{a.ID: a.Publisher(), b.ID: b.Publisher()}
		got := pagesMayEndEmpty(t, "FeedPage", 3, cardID, untilEmpty(func(before string) ([]catalog.Card, error) {
			page, err := f.s.Feed.FeedPage(f.ctx, me.ID, before, 3)
			for _, c := range page.Cards {
				if d := difference(page.Follows[c.SupplierID], follows[c.SupplierID]); d != "" {
					t.Fatalf("FeedPage: follow of card %s's supplier: %s", c.ID, d)
				}
				if d := difference(page.Suppliers[c.SupplierID], publishers[c.SupplierID]); d != "" {
					t.Fatalf("FeedPage: supplier of card %s: %s", c.ID, d)
				}
			}
			return page.Cards, err
		}))
		sameIDs(t, "FeedPage pages", got, reversed(want))
	})

	t.Run("FeedPageWithoutActiveFollowsIsEmpty", func(t *testing.T) {
		f := open(t)
		me, sup := f.distributor(), f.supplier()
		f.card(sup.ID)
		f.follow(sup.ID, me.ID, catalog.StatePending, base)
		for _, id := range append([]string{me.ID, f.id()}, hostileIDs...) {
			for _, before := range []string{"", "not-a-card-id"} {
				page, err := f.s.Feed.FeedPage(f.ctx, id, before, 10)
				if err != nil || len(page.Cards) != 0 {
					t.Fatalf("FeedPage(%.40q, before %q) = %d cards, %v; want none", id, before, len(page.Cards), err)
				}
			}
		}
		f.follow(sup.ID, me.ID, catalog.StateActive, base)
		_, err := f.s.Feed.FeedPage(f.ctx, me.ID, "not-a-card-id", 10)
		wantCode(t, "FeedPage with a bad cursor", err, catalog.Invalid)
	})

	t.Run("ChangesConcernTheDistributor", func(t *testing.T) {
		f := open(t)
		a, b, other := f.supplier(), f.supplier(), f.supplier()
		me, you := f.distributor(), f.distributor()
		start := f.logInfo().Last
		var want []uint64
		_, ch := f.follow(a.ID, me.ID, catalog.StateActive, base)
		want = append(want, ch.Seq)
		f.follow(a.ID, you.ID, catalog.StateActive, base)
		_, ch = f.card(a.ID)
		want = append(want, ch.Seq)
		f.card(other.ID)
		_, ch = f.card(b.ID)
		want = append(want, ch.Seq)
		_, ch = f.follow(other.ID, me.ID, catalog.StatePending, base)
		want = append(want, ch.Seq)
		_, ch = f.card(a.ID)
		want = append(want, ch.Seq)

		got, err := f.s.Feed.Changes(f.ctx, me.ID, []string{a.ID, b.ID}, start, 100)
		noErr(t, "Changes", err)
		if !slices.Equal(seqs(got), want) {
			t.Fatalf("Changes = %v, want %v (oldest first, only mine)", seqs(got), want)
		}
		for _, c := range got {
			if c.Kind == catalog.CardPublished && (c.Card == nil || c.Supplier == nil) {
				t.Errorf("card change %d carries no card or supplier", c.Seq)
			}
			if c.Kind == catalog.FollowChanged && !c.ForDistributor(me.ID) {
				t.Errorf("follow change %d is not mine: %+v", c.Seq, c.Follow)
			}
		}
		page, err := f.s.Feed.Changes(f.ctx, me.ID, []string{a.ID, b.ID}, want[1], 2)
		noErr(t, "Changes after", err)
		if !slices.Equal(seqs(page), want[2:4]) {
			t.Fatalf("Changes(after %d, limit 2) = %v, want %v", want[1], seqs(page), want[2:4])
		}
	})
}

func testSearch(t *testing.T, open func(t *testing.T) *fixture) {
	keepAll := func(catalog.Card, *catalog.Publisher) bool { return true }

	t.Run("TokensFindCardsOfTheSuppliers", func(t *testing.T) {
		f := open(t)
		a, b := f.supplier(), f.supplier()
		mk := func(sup catalog.Account, title string) catalog.Card {
			c := f.newCard(sup.ID)
			c.Title = title
			f.update(func(tx catalog.Tx) error { _, err := publish(tx, c); return err })
			return c
		}
		shirtA, _ := mk(a, "蓝色衬衫"), mk(a, "红色连衣裙")
		shirtB, shirtGone := mk(b, "白衬衫 纯棉"), mk(b, "旧款衬衫")
		f.withdraw(shirtGone)
		text, err := catalog.ParseSearch("衬衫")
		noErr(t, "ParseSearch", err)
		var sawSupplier bool
		found, next, err := f.s.Search.SearchCards(f.ctx, catalog.CardSearch{SupplierIDs: []string{a.ID, b.ID},
			Tokens: text.Tokens, Limit: 10, Keep: func(c catalog.Card, p *catalog.Publisher) bool {
				sawSupplier = p != nil && p.Ref.ID == c.SupplierID
				return true
			}})
		noErr(t, "SearchCards", err)
		got := ids(found, foundID)
		sameIDs(t, "SearchCards(衬衫)", got, []string{shirtB.ID, shirtA.ID})
		if next != "" || !sawSupplier || found[0].Supplier == nil || found[0].Supplier.Ref.ID != b.ID {
			t.Fatalf("next %q, Keep saw the supplier %v, result supplier %+v", next, sawSupplier, found[0].Supplier)
		}
		only, _, err := f.s.Search.SearchCards(f.ctx, catalog.CardSearch{SupplierIDs: []string{a.ID},
			Tokens: text.Tokens, Limit: 10, Keep: keepAll})
		noErr(t, "SearchCards(one supplier)", err)
		sameIDs(t, "SearchCards of a only", ids(only, foundID), []string{shirtA.ID})
	})

	t.Run("IndexCommitsWithTheCard", func(t *testing.T) {
		// The index is written in the card's transaction: an edit moves
		// the card between words at once, a rolled-back save leaves no
		// trace, a withdrawal removes it.
		f := open(t)
		sup := f.supplier()
		search := func(q string) []string {
			text, err := catalog.ParseSearch(q)
			noErr(t, "ParseSearch", err)
			found, _, err := f.s.Search.SearchCards(f.ctx, catalog.CardSearch{SupplierIDs: []string{sup.ID},
				Tokens: text.Tokens, Limit: 10, Keep: keepAll})
			noErr(t, "SearchCards", err)
			return ids(found, foundID)
		}
		c := f.newCard(sup.ID)
		c.Title = "羊毛大衣"
		f.update(func(tx catalog.Tx) error { _, err := publish(tx, c); return err })
		sameIDs(t, "大衣 after publishing", search("大衣"), []string{c.ID})
		c.Title, c.Version = "真丝围巾", 2
		f.update(func(tx catalog.Tx) error { _, err := tx.SaveCard(c, catalog.CardUpdated); return err })
		sameIDs(t, "大衣 after retitling", search("大衣"), nil)
		sameIDs(t, "围巾 after retitling", search("围巾"), []string{c.ID})
		ghost := f.newCard(sup.ID)
		ghost.Title = "皮鞋"
		err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
			if _, err := publish(tx, ghost); err != nil {
				return err
			}
			return errAbort
		})
		if err != errAbort {
			t.Fatalf("Update = %v, want errAbort", err)
		}
		sameIDs(t, "皮鞋 after a rolled-back save", search("皮鞋"), nil)
		f.withdraw(c)
		sameIDs(t, "围巾 after withdrawing", search("围巾"), nil)
	})

	t.Run("NoTokensListsEveryLiveCardWithPaging", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		cs := f.cards(sup.ID, 5)
		f.withdraw(cs[1])
		want := reversed([]string{cs[0].ID, cs[2].ID, cs[3].ID, cs[4].ID})
		got := pages(t, "SearchCards", 3, foundID, func(before string) ([]catalog.FoundCard, string, error) {
			return f.s.Search.SearchCards(f.ctx, catalog.CardSearch{SupplierIDs: []string{sup.ID},
				Before: before, Limit: 3, Keep: keepAll})
		})
		sameIDs(t, "SearchCards pages", got, want)
	})

	t.Run("BudgetBoundsTheWalkAndResumes", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		cs := f.cards(sup.ID, 6)
		keepOdd := func(c catalog.Card, _ *catalog.Publisher) bool {
			return c.ID == cs[1].ID || c.ID == cs[3].ID || c.ID == cs[5].ID
		}
		got := pagesMayEndEmpty(t, "SearchCards with a budget", 10, foundID, func(before string) ([]catalog.FoundCard, string, error) {
			examined := 0
			found, next, err := f.s.Search.SearchCards(f.ctx, catalog.CardSearch{SupplierIDs: []string{sup.ID},
				Before: before, Limit: 10, Budget: 2, Keep: func(c catalog.Card, p *catalog.Publisher) bool {
					examined++
					return keepOdd(c, p)
				}})
			if examined > 2 {
				t.Fatalf("one request examined %d candidates with a budget of 2", examined)
			}
			return found, next, err
		})
		sameIDs(t, "SearchCards with a budget", got, []string{cs[5].ID, cs[3].ID, cs[1].ID})
	})
}

func testFollows(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("FollowReadsBackBothWays", func(t *testing.T) {
		f := open(t)
		sup, dist := f.supplier(), f.distributor()
		fw := catalog.Follow{SupplierID: sup.ID, DistributorID: dist.ID, State: catalog.StateActive, Level: "gold",
			ManualLevel: "standard", EarnedLevel: "gold", Since: base.Add(time.Hour), Version: 3}
		f.update(func(tx catalog.Tx) error { _, err := tx.SaveFollow(fw); return err })
		readsBack(f, "Follow", fw, func() (catalog.Follow, error) { return f.s.Follows.Follow(f.ctx, sup.ID, dist.ID) },
			func(tx catalog.Tx) (catalog.Follow, error) { return tx.Follow(sup.ID, dist.ID) })
		following, err := f.s.Follows.Following(f.ctx, dist.ID)
		if err != nil || len(following) != 1 || following[0].SupplierID != sup.ID {
			t.Fatalf("Following = %+v, %v", following, err)
		}
		followers, _, err := f.s.Follows.Followers(f.ctx, sup.ID, catalog.StateActive, "", 10)
		if err != nil || len(followers) != 1 || followers[0].DistributorID != dist.ID {
			t.Fatalf("Followers = %+v, %v", followers, err)
		}
		_, err = f.s.Follows.Follow(f.ctx, dist.ID, sup.ID)
		wantCode(t, "Follow the wrong way round", err, catalog.NotFound)
	})

	t.Run("StateNoneDeletesTheFollow", func(t *testing.T) {
		f := open(t)
		sup, dist := f.supplier(), f.distributor()
		fw, _ := f.follow(sup.ID, dist.ID, catalog.StateActive, base)
		fw.State = catalog.StateNone
		var ch catalog.Change
		f.update(func(tx catalog.Tx) error {
			var err error
			ch, err = tx.SaveFollow(fw)
			return err
		})
		if ch.Kind != catalog.FollowChanged || ch.Follow == nil || ch.Follow.State != catalog.StateNone {
			t.Fatalf("the change of a removed follow = %+v", ch)
		}
		_, err := f.s.Follows.Follow(f.ctx, sup.ID, dist.ID)
		wantCode(t, "Follow after removal", err, catalog.NotFound)
		if fs, err := f.s.Follows.Following(f.ctx, dist.ID); err != nil || len(fs) != 0 {
			t.Fatalf("Following after removal = %+v, %v", fs, err)
		}
		if fs, _, err := f.s.Follows.Followers(f.ctx, sup.ID, catalog.StateActive, "", 10); err != nil || len(fs) != 0 {
			t.Fatalf("Followers after removal = %+v, %v", fs, err)
		}
	})

	t.Run("FollowingListsEveryState", func(t *testing.T) {
		f := open(t)
		dist := f.distributor()
		want := map[string]catalog.FollowState{}
		for _, st := range []catalog.FollowState{catalog.StateActive, catalog.StatePending, catalog.StateBlocked} {
			sup := f.supplier()
			f.follow(sup.ID, dist.ID, st, base)
			want[sup.ID] = st
		}
		f.follow(f.supplier().ID, f.distributor().ID, catalog.StateActive, base)
		got, err := f.s.Follows.Following(f.ctx, dist.ID)
		noErr(t, "Following", err)
		if len(got) != len(want) {
			t.Fatalf("Following = %d follows, want %d", len(got), len(want))
		}
		for _, fw := range got {
			if want[fw.SupplierID] != fw.State || fw.DistributorID != dist.ID {
				t.Errorf("Following holds %+v", fw)
			}
		}
	})

	t.Run("FollowersByStateNewestFirstWithPaging", func(t *testing.T) {
		f := open(t)
		sup := f.supplier()
		var active, pending []string
		for i := 0; i < 7; i++ {
			d := f.distributor()
			st := catalog.StateActive
			if i%3 == 2 {
				st = catalog.StatePending
			}
			f.follow(sup.ID, d.ID, st, base.Add(time.Duration(i)*time.Minute))
			if st == catalog.StateActive {
				active = append(active, d.ID)
			} else {
				pending = append(pending, d.ID)
			}
		}
		other := f.supplier()
		f.follow(other.ID, f.distributor().ID, catalog.StateActive, base.Add(time.Hour))
		followers := func(state catalog.FollowState) []string {
			return pages(t, "Followers", 2, followDist, func(before string) ([]catalog.Follow, string, error) {
				return f.s.Follows.Followers(f.ctx, sup.ID, state, before, 2)
			})
		}
		sameIDs(t, "active followers", followers(catalog.StateActive), reversed(active))
		sameIDs(t, "pending followers", followers(catalog.StatePending), reversed(pending))
		// Blocking a follower moves it between the lists.
		blocked := catalog.Follow{SupplierID: sup.ID, DistributorID: active[0], State: catalog.StateBlocked,
			Level: "standard", ManualLevel: "standard", Since: base, Version: 2}
		f.update(func(tx catalog.Tx) error { _, err := tx.SaveFollow(blocked); return err })
		sameIDs(t, "active followers after a block", followers(catalog.StateActive), reversed(active[1:]))
		sameIDs(t, "blocked followers", followers(catalog.StateBlocked), []string{active[0]})
		f.view(func(tx catalog.Tx) error {
			all, err := tx.SupplierFollows(sup.ID)
			if err == nil && len(all) != 7 {
				t.Errorf("tx.SupplierFollows = %d follows, want 7 in any state", len(all))
			}
			return err
		})
	})
}

func foundID(fc catalog.FoundCard) string { return fc.Card.ID }
