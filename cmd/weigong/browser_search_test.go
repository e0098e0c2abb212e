package main

import (
	"fmt"
	"image/color"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_SearchBox ensures the search box on the feed screen: a
// distributor finds a followed supplier's card by one Chinese character
// and another by a Latin prefix, each alone and at the price the feed
// shows; the in-stock filter and the supplier filter narrow the results
// (an empty state when nothing is left); the clear button brings the live
// feed back. No request answers non-2xx and the console stays clean.
func TestBrowser_SearchBox(t *testing.T) {
	needBrowser(t)
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "sbox_sup")
	dist := n.signUp("distributor", "sbox_dist")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	img := n.uploadImage(sup.Token, color.RGBA{200, 60, 90, 255})
	scarf := n.createCard(sup.Token, map[string]any{"title": "真丝围巾", "cost_price": 5000}, img)
	shirt := n.createCard(sup.Token, map[string]any{"title": "Cotton shirt", "cost_price": 3000}, img)
	n.must(200, "PATCH", "/v1/cards/"+shirt.ID, sup.Token, map[string]any{"sold_out": true})

	b := browserFor(t, 80*time.Second)
	d := b.newTab("distributor")
	signInUI(d, n.URL+appPath+"#/feed", dist.Handle)
	d.waitJS("feed shows both cards", `document.querySelectorAll('[data-test=feed-card]').length === 2`)
	b.mu.Lock()
	b.failedRequests = true // from here every answer must be 2xx (a 400 from /v1/search fails the test)
	b.mu.Unlock()

	card := func(id string) string { return fmt.Sprintf("[data-test=search-card][data-card-id=%q]", id) }
	only := func(what, id string) {
		t.Helper()
		d.waitJS(what, fmt.Sprintf(`document.querySelectorAll('[data-test=search-card]').length === 1 && !!document.querySelector(%q)`, card(id)))
		d.waitJS("feed hidden while results show", `document.querySelector('[data-test=feed-list]').getClientRects().length === 0`)
	}

	d.typeInto("[data-test=search-input]", "丝")
	only("丝 finds the scarf alone", scarf.ID)
	if got := d.text(card(scarf.ID) + " [data-test=card-cost]"); got != "¥50" {
		t.Errorf("scarf's cost in the results = %q, want ¥50 (as the feed shows it)", got)
	}

	d.typeInto("[data-test=search-input]", "cot")
	only("cot finds the shirt alone", shirt.ID)
	d.waitFor(card(shirt.ID) + " [data-test=card-soldout]")

	d.click("[data-test=search-instock]")
	d.waitFor("[data-test=search-empty]")
	d.waitJS("no results left", `!document.querySelector('[data-test=search-card]')`)

	// Supplier filter alone (no words): lists the supplier's cards in stock.
	d.eval(`(() => { const e = document.querySelector('[data-test=search-input]'); e.value = ''; e.dispatchEvent(new Event('input', {bubbles: true})); return true })()`, nil)
	d.waitJS("supplier filter offers the followed supplier",
		fmt.Sprintf(`!!document.querySelector('[data-test=search-supplier] option[value=%q]')`, sup.ID))
	d.do("choose supplier", chromedp.SetValue(chromedp.CSS("[data-test=search-supplier]"), sup.ID))
	only("supplier + in stock lists the scarf alone", scarf.ID)

	d.click("[data-test=search-clear]")
	d.waitJS("clear brings the feed back", `document.querySelectorAll('[data-test=feed-list] [data-test=feed-card]').length === 2 &&
		document.querySelector('[data-test=feed-list]').getClientRects().length > 0 &&
		document.querySelector('[data-test=search-results]').getClientRects().length === 0`)
	var state struct {
		Q, Supplier string
		InStock     bool
		Clear       bool
	}
	d.eval(`({q: document.querySelector('[data-test=search-input]').value,
		supplier: document.querySelector('[data-test=search-supplier]').value,
		inStock: document.querySelector('[data-test=search-instock]').checked,
		clear: document.querySelector('[data-test=search-clear]').hidden})`, &state)
	if state.Q != "" || state.Supplier != "" || state.InStock || !state.Clear {
		t.Errorf("after clear the box is %+v, want everything empty and the clear button hidden", state)
	}

	// A card published now still reaches the live feed under the box.
	live := n.createCard(sup.Token, map[string]any{"title": "Linen bag"}, img)
	d.waitFor(fmt.Sprintf("[data-test=feed-card][data-card-id=%q]", live.ID))
}
