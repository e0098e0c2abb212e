package main

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
)

// Sentinel prices that appear nowhere else: if one shows up in a response
// to a viewer who may not see it, a cost price has leaked.
const (
	sentinelCost   = 987654
	sentinelGold   = 876543
	sentinelVolume = 765432
)

// canaryWorld is a supplier with one card priced with sentinels, and one
// viewer of every kind.
type canaryWorld struct {
	n        *testNode
	supplier account
	cardID   string
	shareID  string
	viewers  map[string]account // by kind; "anonymous" has no token
	cursors  map[string]string  // feed cursor taken before the card existed
	mayShow  map[string][]int   // sentinels each kind may see
}

func newCanaryWorld(t *testing.T) *canaryWorld {
	n := startNode(t, t.TempDir())
	w := &canaryWorld{n: n, viewers: map[string]account{}, cursors: map[string]string{}}
	w.supplier = n.signUp("supplier", "canary_sup")
	n.must(200, "PATCH", "/v1/me", w.supplier.Token, map[string]any{"levels": []string{"standard", "gold"}, "contact": "sup_wechat_secret"})
	for _, kind := range []string{"standard", "gold", "pending", "blocked", "stranger"} {
		w.viewers[kind] = n.signUp("distributor", "canary_"+kind)
	}
	w.viewers["other_supplier"] = n.signUp("supplier", "canary_sup2")
	w.viewers["anonymous"] = account{}
	w.viewers["owner"] = w.supplier
	w.follow(t)
	for _, kind := range []string{"standard", "gold", "pending", "blocked", "stranger"} {
		var ev struct{ Cursor string }
		n.must(200, "GET", "/v1/feed/events", w.viewers[kind].Token, nil).decode(t, &ev)
		w.cursors[kind] = ev.Cursor
	}
	img := n.uploadImage(w.supplier.Token, color.RGBA{200, 30, 30, 255})
	var card struct{ ID string }
	n.must(201, "POST", "/v1/cards", w.supplier.Token, map[string]any{
		"title": "Canary scarf", "description": "sentinel card", "image_ids": []string{img},
		"cost_price": sentinelCost, "retail_price": 1999999, "floor_price": 1500001,
		"level_prices":  map[string]int{"gold": sentinelGold},
		"volume_prices": []map[string]int{{"min_qty": 10, "price": sentinelVolume}},
	}).decode(t, &card)
	w.cardID = card.ID
	var sh struct{ ID string }
	n.must(201, "POST", "/v1/shares", w.viewers["gold"].Token, map[string]any{"card_id": card.ID, "price": 1800000}).decode(t, &sh)
	w.shareID = sh.ID
	w.mayShow = map[string][]int{
		"owner":    {sentinelCost, sentinelGold, sentinelVolume},
		"standard": {sentinelCost, sentinelVolume},
		"gold":     {sentinelGold, sentinelVolume},
	}
	return w
}

// follow puts each distributor in its state: standard and gold active (on
// those levels), pending under an approval policy, blocked by the supplier.
func (w *canaryWorld) follow(t *testing.T) {
	n, sup := w.n, w.supplier
	path := "/v1/suppliers/" + sup.ID + "/follow"
	for _, kind := range []string{"standard", "gold", "blocked"} {
		n.must(200, "PUT", path, w.viewers[kind].Token, nil)
	}
	n.must(200, "PATCH", "/v1/me/followers/"+w.viewers["gold"].ID, sup.Token, map[string]string{"level": "gold"})
	n.must(200, "PATCH", "/v1/me/followers/"+w.viewers["blocked"].ID, sup.Token, map[string]string{"state": "blocked"})
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]string{"follow_policy": "approval"})
	var f struct{ State string }
	n.must(200, "PUT", path, w.viewers["pending"].Token, nil).decode(t, &f)
	if f.State != "pending" {
		t.Fatalf("pending follower state = %q", f.State)
	}
}

// requests lists every endpoint a viewer can call that could carry a card
// or a price, including the error replies of what it may not do.
func (w *canaryWorld) requests(kind string) [][3]string {
	sup, card, sh := w.supplier, w.cardID, w.shareID
	reqs := [][3]string{
		{"GET", "/v1/cards/" + card, ""},
		{"GET", "/v1/suppliers/" + sup.ID, ""},
		{"GET", "/v1/suppliers/" + sup.Handle, ""},
		{"GET", "/v1/suppliers/" + sup.ID + "/cards", ""},
		{"GET", "/v1/suppliers/" + sup.ID + "/cards?limit=1", ""},
		{"GET", "/c/" + sup.Handle, ""},
		{"GET", "/s/" + sh, ""},
		{"GET", "/s/" + sh + "/collage.jpg", ""},
		{"GET", "/v1/openapi.json", ""},
		{"GET", "/v1/me", ""},
		{"GET", "/v1/me/following", ""},
		{"GET", "/v1/me/followers?state=active", ""},
		{"GET", "/v1/shares", ""},
		{"GET", "/v1/feed", ""},
		{"GET", "/v1/search?q=canary", ""},
		{"GET", "/v1/search?q=987654", ""},
		{"GET", "/v1/search?supplier_id=" + sup.ID, ""},
		{"PATCH", "/v1/cards/" + card, `{"sold_out":true}`},
		{"PATCH", "/v1/cards/" + card, `{"cost_price":"x"}`},
		{"DELETE", "/v1/cards/" + card, ""},
		{"POST", "/v1/shares", `{"card_id":"` + card + `","price":1}`},
		{"POST", "/v1/shares", `{"card_id":"` + card + `"}`},
	}
	if c, ok := w.cursors[kind]; ok {
		reqs = append(reqs, [3]string{"GET", "/v1/feed/events?after=" + c, ""})
	}
	return reqs
}

// TestCanary_NoCostPriceLeaks ensures that the sentinel cost prices reach
// no response body or header of any endpoint, nor the server log, for any
// viewer who may not see them: the closed-channel rule as a black box.
func TestCanary_NoCostPriceLeaks(t *testing.T) {
	w := newCanaryWorld(t)
	for kind, viewer := range w.viewers {
		if kind == "owner" {
			continue // the owner's own mutations would change the card
		}
		for _, r := range w.requests(kind) {
			var body any
			if r[2] != "" {
				body = r[2]
			}
			got := w.n.do(r[0], r[1], viewer.Token, body).all()
			w.checkLeak(t, kind, r[0]+" "+r[1], got)
		}
	}
	// The feed shows followers their own level's cost: the test must be
	// able to fail, so check the sentinel is really there for them.
	for kind, want := range map[string]int{"standard": sentinelCost, "gold": sentinelGold} {
		got := string(w.n.must(200, "GET", "/v1/feed", w.viewers[kind].Token, nil).Body)
		if !strings.Contains(got, fmt.Sprint(want)) {
			t.Errorf("%s follower's feed lacks its cost %d: %s", kind, want, got)
		}
	}
	w.checkLeak(t, "log", "server log", w.n.Log.String())
}

func (w *canaryWorld) checkLeak(t *testing.T, kind, what, text string) {
	t.Helper()
	allowed := map[int]bool{}
	for _, p := range w.mayShow[kind] {
		allowed[p] = true
	}
	for _, p := range []int{sentinelCost, sentinelGold, sentinelVolume} {
		if !allowed[p] && strings.Contains(text, fmt.Sprint(p)) {
			t.Errorf("%s: %s leaks %d:\n%.2000s", kind, what, p, text)
		}
	}
	if kind != "owner" && kind != "standard" && kind != "gold" && strings.Contains(text, "sup_wechat_secret") {
		t.Errorf("%s: %s shows the supplier's contact", kind, what)
	}
}
