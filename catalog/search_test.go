package catalog_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// searchCard is the text of a card to post in a search test.
type searchCard struct {
	title, description string
	tags               []string
}

// post publishes a card with the given text (cost 4800, retail 12800 fen)
// and returns it as its owner sees it.
func (e *env) post(supplier catalog.Account, sc searchCard) catalog.CardView {
	e.t.Helper()
	in := cardInput(sc.title, e.image(supplier), nil)
	cost, retail := int64(4800), int64(12800)
	in.CostPrice, in.RetailPrice, in.Description = &cost, &retail, &sc.description
	if sc.tags != nil {
		in.Tags = &sc.tags
	}
	v, err := e.svc.CreateCard(bg, supplier, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// follow makes d an active follower of s.
func (e *env) follow(d, s catalog.Account) {
	e.t.Helper()
	if _, err := e.svc.FollowSupplier(bg, d, s.ID); err != nil {
		e.t.Fatal(err)
	}
}

// found runs a search and returns the titles found, in order.
func (e *env) found(caller catalog.Account, in catalog.SearchInput) []string {
	e.t.Helper()
	views, _, err := e.svc.Search(bg, caller, in)
	if err != nil {
		e.t.Fatalf("Search(%+v): %v", in, err)
	}
	titles := make([]string, len(views))
	for i, v := range views {
		titles[i] = v.Title
	}
	return titles
}

// wantFound fails unless the search for q finds exactly want (in any order).
func (e *env) wantFound(caller catalog.Account, q string, want ...string) {
	e.t.Helper()
	got := e.found(caller, catalog.SearchInput{Q: q})
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		e.t.Errorf("search %q found %q, want %q", q, got, want)
	}
}

// goldSupplier signs up a supplier with the levels standard and gold.
func (e *env) goldSupplier(handle string) catalog.Account {
	e.t.Helper()
	s := e.account(catalog.RoleSupplier, handle)
	levels := []string{"standard", "gold"}
	if _, err := e.svc.UpdateProfile(bg, s, catalog.ProfileInput{Levels: &levels}); err != nil {
		e.t.Fatal(err)
	}
	s, err := e.db.Account(bg, s.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// searchFixture is a supplier with a few cards of mixed text and a
// distributor following it.
func searchFixture(t *testing.T) (e *env, s, d catalog.Account) {
	e = newEnv(t)
	s = e.account(catalog.RoleSupplier, "silk_mill")
	d = e.account(catalog.RoleDistributor, "xiao_li")
	e.follow(d, s)
	e.post(s, searchCard{"红色连衣裙", "夏季新款，纯棉面料", []string{"女装"}})
	e.post(s, searchCard{"Silk Scarf", "Hand-embroidered, 100% mulberry silk", []string{"Accessories"}})
	e.post(s, searchCard{"T恤 ＸＬ", "宽松 oversize 男女同款", nil})
	e.post(s, searchCard{"羊毛围巾", "红色 连衣 分开写的", []string{"冬季"}})
	return e, s, d
}

// TestService_Search_Text ensures each matching rule of API.md "Search
// inside followed suppliers": Chinese by any substring from one character,
// Latin by word prefix, case-insensitive, over title, description and
// tags, and never a card whose text does not hold the query.
func TestService_Search_Text(t *testing.T) {
	e, _, d := searchFixture(t)
	t.Run("one Chinese character matches any card holding it", func(t *testing.T) {
		e.wantFound(d, "裙", "红色连衣裙")
		e.wantFound(d, "红", "红色连衣裙", "羊毛围巾")
		e.wantFound(d, "款", "红色连衣裙", "T恤 ＸＬ")
	})
	t.Run("Chinese substrings of two and more characters match", func(t *testing.T) {
		e.wantFound(d, "连衣", "红色连衣裙", "羊毛围巾")
		e.wantFound(d, "色连衣", "红色连衣裙")
		e.wantFound(d, "红色连衣裙", "红色连衣裙")
		e.wantFound(d, "纯棉面料", "红色连衣裙")
	})
	t.Run("a Chinese query matches only as a real substring", func(t *testing.T) {
		// 羊毛围巾's description has 红色 and 连衣 but not 色连.
		e.wantFound(d, "色连", "红色连衣裙")
		// Every character is there, in the wrong order.
		e.wantFound(d, "裙衣连")
		e.wantFound(d, "红裙")
	})
	t.Run("Latin words match by prefix", func(t *testing.T) {
		e.wantFound(d, "sil", "Silk Scarf")
		e.wantFound(d, "scarf", "Silk Scarf")
		e.wantFound(d, "mulb", "Silk Scarf")
		e.wantFound(d, "ilk")
		e.wantFound(d, "carf")
	})
	t.Run("words longer than the indexed prefix are checked whole", func(t *testing.T) {
		e.wantFound(d, "embroidered", "Silk Scarf")
		e.wantFound(d, "embroider", "Silk Scarf")
		e.wantFound(d, "embroidering")
	})
	t.Run("case and full-width forms do not matter", func(t *testing.T) {
		e.wantFound(d, "SILK", "Silk Scarf")
		e.wantFound(d, "xl", "T恤 ＸＬ")
		e.wantFound(d, "ＳＩＬＫ", "Silk Scarf")
		e.wantFound(d, "OverSize", "T恤 ＸＬ")
	})
	t.Run("tags are searched", func(t *testing.T) {
		e.wantFound(d, "女装", "红色连衣裙")
		e.wantFound(d, "access", "Silk Scarf")
	})
	t.Run("every term must match", func(t *testing.T) {
		e.wantFound(d, "silk 100", "Silk Scarf")
		e.wantFound(d, "silk 红色")
		e.wantFound(d, "t恤", "T恤 ＸＬ")
		e.wantFound(d, "红色 围巾", "羊毛围巾")
	})
	t.Run("a price never matches, though its digits are typed", func(t *testing.T) {
		// Every card costs 4800 and retails at 12800 fen (¥48, ¥128).
		for _, q := range []string{"4800", "12800", "128", "48", "1280"} {
			e.wantFound(d, q)
		}
		// Digits in the text itself are found.
		e.wantFound(d, "100", "Silk Scarf")
	})
}

// TestService_Search_Filters ensures the filters of GET /v1/search: by
// supplier, by tag (folded like text), in stock only, and an empty query
// with filters listing.
func TestService_Search_Filters(t *testing.T) {
	e, s, d := searchFixture(t)
	other := e.account(catalog.RoleSupplier, "wool_house")
	e.follow(d, other)
	e.post(other, searchCard{"羊毛大衣", "冬季 红色", []string{"冬季", "女装"}})
	t.Run("supplier_id keeps one supplier's cards", func(t *testing.T) {
		got := e.found(d, catalog.SearchInput{Q: "羊毛", SupplierID: other.ID})
		if !slices.Equal(got, []string{"羊毛大衣"}) {
			t.Errorf("found %q, want only 羊毛大衣", got)
		}
		if got := e.found(d, catalog.SearchInput{Q: "羊毛"}); len(got) != 2 {
			t.Errorf("without supplier_id found %q, want both 羊毛 cards", got)
		}
	})
	t.Run("tag keeps cards with that tag, folded", func(t *testing.T) {
		got := e.found(d, catalog.SearchInput{Tag: "冬季"})
		slices.Sort(got)
		if want := []string{"羊毛围巾", "羊毛大衣"}; !slices.Equal(got, want) {
			t.Errorf("tag 冬季 found %q, want %q", got, want)
		}
		if got := e.found(d, catalog.SearchInput{Tag: "accessories"}); !slices.Equal(got, []string{"Silk Scarf"}) {
			t.Errorf("tag accessories found %q, want Silk Scarf (tag Accessories)", got)
		}
		if got := e.found(d, catalog.SearchInput{Tag: "access"}); len(got) != 0 {
			t.Errorf("a tag filter is exact, yet access found %q", got)
		}
		if got := e.found(d, catalog.SearchInput{Q: "红色", Tag: "女装"}); len(got) != 2 {
			t.Errorf("q 红色 with tag 女装 found %q, want 红色连衣裙 and 羊毛大衣", got)
		}
	})
	t.Run("in_stock leaves out sold-out cards", func(t *testing.T) {
		card := e.found(d, catalog.SearchInput{Q: "大衣"})
		if len(card) != 1 {
			t.Fatalf("found %q", card)
		}
		views, _, _ := e.svc.Search(bg, d, catalog.SearchInput{Q: "大衣"})
		soldOut := true
		if _, err := e.svc.UpdateCard(bg, other, views[0].ID, catalog.CardInput{SoldOut: &soldOut}); err != nil {
			t.Fatal(err)
		}
		zero := int64(0)
		silk, _, _ := e.svc.Search(bg, d, catalog.SearchInput{Q: "silk"})
		if _, err := e.svc.UpdateCard(bg, s, silk[0].ID, catalog.CardInput{Stock: catalog.OptionalStock{Set: true, Value: &zero}}); err != nil {
			t.Fatal(err)
		}
		if got := e.found(d, catalog.SearchInput{Q: "大衣", InStock: true}); len(got) != 0 {
			t.Errorf("in_stock found the sold-out card: %q", got)
		}
		if got := e.found(d, catalog.SearchInput{Q: "silk", InStock: true}); len(got) != 0 {
			t.Errorf("in_stock found the card without stock: %q", got)
		}
		if got := e.found(d, catalog.SearchInput{Q: "大衣"}); len(got) != 1 {
			t.Errorf("without in_stock the sold-out card is gone: %q", got)
		}
		if got := e.found(d, catalog.SearchInput{InStock: true}); len(got) != 3 {
			t.Errorf("an empty query with in_stock lists %q, want the 3 cards in stock", got)
		}
	})
	t.Run("an empty query lists the followed suppliers' cards, newest first", func(t *testing.T) {
		got := e.found(d, catalog.SearchInput{})
		want := []string{"羊毛大衣", "羊毛围巾", "T恤 ＸＬ", "Silk Scarf", "红色连衣裙"}
		if !slices.Equal(got, want) {
			t.Errorf("listed %q, want %q", got, want)
		}
	})
	t.Run("a query of punctuation only lists", func(t *testing.T) {
		if got := e.found(d, catalog.SearchInput{Q: " ，!? "}); len(got) != 5 {
			t.Errorf("found %q", got)
		}
	})
}

// TestService_Search_Paging ensures cursor paging: newest first, pages of
// limit, each card once, no next on the last page.
func TestService_Search_Paging(t *testing.T) {
	e := newEnv(t)
	s := e.account(catalog.RoleSupplier, "silk_mill")
	d := e.account(catalog.RoleDistributor, "xiao_li")
	e.follow(d, s)
	for i := range 25 {
		e.post(s, searchCard{fmt.Sprintf("围巾 %02d", i), "", nil})
		e.post(s, searchCard{fmt.Sprintf("帽子 %02d", i), "", nil})
	}
	var titles []string
	before, pages := "", 0
	for {
		views, next, err := e.svc.Search(bg, d, catalog.SearchInput{Q: "围巾", Before: before, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, v := range views {
			titles = append(titles, v.Title)
		}
		if next == "" {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		before = next
	}
	want := make([]string, 25)
	for i := range want {
		want[i] = fmt.Sprintf("围巾 %02d", 24-i)
	}
	if pages != 3 || !slices.Equal(titles, want) {
		t.Errorf("%d pages of %q, want 3 pages of %q", pages, titles, want)
	}
	if _, _, err := e.svc.Search(bg, d, catalog.SearchInput{Q: "围巾", Before: "not-a-cursor"}); catalog.ErrorCode(err) != catalog.Invalid {
		t.Errorf("a bad cursor gave %v, want invalid", err)
	}
}

// TestService_Search_WhoSeesWhat ensures a search covers only what the
// caller may see: an active follow's cards at the caller's own price, a
// supplier's own cards, and nothing for anyone else.
func TestService_Search_WhoSeesWhat(t *testing.T) {
	e := newEnv(t)
	s := e.goldSupplier("silk_mill")
	in := cardInput("真丝围巾", e.image(s), map[string]int64{"gold": 700})
	if _, err := e.svc.CreateCard(bg, s, in); err != nil {
		t.Fatal(err)
	}
	rival := e.account(catalog.RoleSupplier, "rival")
	e.post(rival, searchCard{"真丝围巾 rival", "", nil})

	stranger := e.account(catalog.RoleDistributor, "stranger")
	t.Run("a distributor who does not follow finds nothing", func(t *testing.T) {
		e.wantFound(stranger, "围巾")
		e.wantFound(stranger, "")
		if got := e.found(stranger, catalog.SearchInput{SupplierID: s.ID}); len(got) != 0 {
			t.Errorf("supplier_id of an unfollowed supplier found %q", got)
		}
	})
	t.Run("a pending follower finds nothing", func(t *testing.T) {
		approval := string(catalog.PolicyApproval)
		if _, err := e.svc.UpdateProfile(bg, rival, catalog.ProfileInput{FollowPolicy: &approval}); err != nil {
			t.Fatal(err)
		}
		pending := e.account(catalog.RoleDistributor, "pending")
		if f, err := e.svc.FollowSupplier(bg, pending, rival.ID); err != nil || f.State != catalog.StatePending {
			t.Fatalf("follow = %+v, %v; want pending", f, err)
		}
		e.wantFound(pending, "围巾")
		e.wantFound(pending, "")
	})
	t.Run("a blocked follower finds nothing", func(t *testing.T) {
		blocked := e.account(catalog.RoleDistributor, "blocked")
		e.follow(blocked, s)
		e.wantFound(blocked, "围巾", "真丝围巾")
		state := string(catalog.StateBlocked)
		if _, err := e.svc.UpdateFollower(bg, s, blocked.ID, catalog.FollowerInput{State: &state}); err != nil {
			t.Fatal(err)
		}
		e.wantFound(blocked, "围巾")
	})
	t.Run("a follower finds its suppliers' cards at its own level's price", func(t *testing.T) {
		gold := e.account(catalog.RoleDistributor, "gold")
		e.follow(gold, s)
		level := "gold"
		if _, err := e.svc.UpdateFollower(bg, s, gold.ID, catalog.FollowerInput{Level: &level}); err != nil {
			t.Fatal(err)
		}
		views, _, err := e.svc.Search(bg, gold, catalog.SearchInput{Q: "真丝"})
		if err != nil || len(views) != 1 {
			t.Fatalf("found %d cards, %v; want 1 (not the rival's)", len(views), err)
		}
		if p := views[0].Prices; p == nil || p.Cost != 700 || views[0].LevelPrices != nil || views[0].CostPrice != nil {
			t.Errorf("gold follower sees prices %+v, cost_price %v, level_prices %v; want cost 700 and no owner fields",
				p, views[0].CostPrice, views[0].LevelPrices)
		}
	})
	t.Run("a supplier searches its own cards only, with owner prices", func(t *testing.T) {
		views, _, err := e.svc.Search(bg, s, catalog.SearchInput{Q: "围巾"})
		if err != nil || len(views) != 1 || views[0].Title != "真丝围巾" {
			t.Fatalf("found %+v, %v; want only its own card", views, err)
		}
		if views[0].CostPrice == nil || views[0].LevelPrices["gold"] != 700 {
			t.Errorf("the owner does not see its prices: %+v", views[0])
		}
		if got := e.found(s, catalog.SearchInput{SupplierID: rival.ID}); len(got) != 0 {
			t.Errorf("supplier_id of another supplier found %q", got)
		}
	})
}

// TestService_Search_FollowsWrites ensures the index moves with the card
// in the same unit of work: a withdrawn card is gone as soon as the
// withdrawal returns, a new title is found and the old one is not.
func TestService_Search_FollowsWrites(t *testing.T) {
	e, s, d := searchFixture(t)
	id := e.post(s, searchCard{"纯棉毛巾", "", nil}).ID
	e.wantFound(d, "毛巾", "纯棉毛巾")
	t.Run("an updated title is indexed and the old one forgotten", func(t *testing.T) {
		title := "竹纤维浴巾 bamboo"
		if _, err := e.svc.UpdateCard(bg, s, id, catalog.CardInput{Title: &title}); err != nil {
			t.Fatal(err)
		}
		e.wantFound(d, "毛巾")
		e.wantFound(d, "浴巾", title)
		e.wantFound(d, "bamb", title)
	})
	t.Run("a withdrawn card vanishes at once", func(t *testing.T) {
		if err := e.svc.WithdrawCard(bg, s, id); err != nil {
			t.Fatal(err)
		}
		e.wantFound(d, "浴巾")
		e.wantFound(d, "bamboo")
		if got := e.found(d, catalog.SearchInput{}); slices.Contains(got, "竹纤维浴巾 bamboo") {
			t.Errorf("the listing still has the withdrawn card: %q", got)
		}
	})
	t.Run("tags added by a patch are found", func(t *testing.T) {
		views, _, _ := e.svc.Search(bg, d, catalog.SearchInput{Q: "silk"})
		tags := []string{"丝巾", "Gift"}
		if _, err := e.svc.UpdateCard(bg, s, views[0].ID, catalog.CardInput{Tags: &tags}); err != nil {
			t.Fatal(err)
		}
		e.wantFound(d, "丝巾", "Silk Scarf")
		e.wantFound(d, "accessories")
		if got := e.found(d, catalog.SearchInput{Tag: "gift"}); !slices.Equal(got, []string{"Silk Scarf"}) {
			t.Errorf("tag gift found %q", got)
		}
	})
}

// TestService_Search_Limits ensures hostile queries get a clear error.
func TestService_Search_Limits(t *testing.T) {
	e, _, d := searchFixture(t)
	long := ""
	for range catalog.MaxQueryLen + 1 {
		long += "a"
	}
	for name, in := range map[string]catalog.SearchInput{
		"q too long":          {Q: long},
		"q of too many words": {Q: "a b c d e f g h i"},
		"q not UTF-8":         {Q: "\xff\xfe"},
		"tag too long":        {Tag: "0123456789012345678901"},
	} {
		if _, _, err := e.svc.Search(bg, d, in); catalog.ErrorCode(err) != catalog.Invalid {
			t.Errorf("%s: error %v, want invalid", name, err)
		}
	}
}

// TestService_Search_EarlyAccess ensures a card in its early-access window
// does not exist in the search of a follower below its level, neither by
// its text nor in a listing, while followers at the level and the owner
// find it; once released, everyone who follows finds it.
func TestService_Search_EarlyAccess(t *testing.T) {
	e := newEnv(t)
	s := e.goldSupplier("silk_mill")
	standard, gold := e.account(catalog.RoleDistributor, "standard"), e.account(catalog.RoleDistributor, "gold")
	e.follow(standard, s)
	e.follow(gold, s)
	level := "gold"
	if _, err := e.svc.UpdateFollower(bg, s, gold.ID, catalog.FollowerInput{Level: &level}); err != nil {
		t.Fatal(err)
	}
	e.post(s, searchCard{"普通围巾", "", nil})
	in := cardInput("抢先真丝围巾", e.image(s), nil)
	in.EarlyAccess = &wire.EarlyAccessInput{Level: "gold", Hours: 24}
	early, err := e.svc.CreateCard(bg, s, in)
	if err != nil {
		t.Fatal(err)
	}
	e.wantFound(standard, "抢先")
	e.wantFound(standard, "围巾", "普通围巾")
	e.wantFound(standard, "", "普通围巾")
	e.wantFound(gold, "抢先", "抢先真丝围巾")
	e.wantFound(gold, "围巾", "普通围巾", "抢先真丝围巾")
	e.wantFound(s, "抢先", "抢先真丝围巾")

	e.now = e.now.Add(25 * time.Hour)
	if err := e.svc.ReleaseCard(bg, early.ID); err != nil {
		t.Fatal(err)
	}
	e.wantFound(standard, "抢先", "抢先真丝围巾")
}

// TestService_Search_LongQuery ensures a long pasted phrase reads at most
// MaxQueryTokens index lists, every term among them, and still finds
// exactly the cards that hold it: the text check covers the bigrams the
// index did not read.
func TestService_Search_LongQuery(t *testing.T) {
	e := newEnv(t)
	s := e.account(catalog.RoleSupplier, "silk_mill")
	d := e.account(catalog.RoleDistributor, "xiao_li")
	e.follow(d, s)
	long := "今年夏天最火的法式复古碎花连衣裙，真丝面料，透气舒适，一件代发，支持七天无理由退换"
	e.post(s, searchCard{"法式碎花裙", long, nil})
	// The same characters, two of them swapped in the middle.
	e.post(s, searchCard{"另一条裙子", "今年夏天最火的法式复古碎花连衣裙，真丝面料，气透舒适，一件代发，支持七天无理由退换", nil})

	text, err := catalog.ParseSearch(long + " silk 2024")
	if err != nil {
		t.Fatal(err)
	}
	if len(text.Tokens) != catalog.MaxQueryTokens || !slices.Contains(text.Tokens, "silk") || !slices.Contains(text.Tokens, "2024") {
		t.Errorf("tokens %q: want %d, with every term's", text.Tokens, catalog.MaxQueryTokens)
	}
	e.wantFound(d, long, "法式碎花裙")
	e.wantFound(d, "碎花连衣裙，真丝面料，透气舒适", "法式碎花裙")
	e.wantFound(d, "法式复古碎花连衣裙", "法式碎花裙", "另一条裙子")
}
