package main

import (
	"context"
	"fmt"
	"image/color"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_PostFollowShareSoldOut drives the phone web app in headless
// Chromium with two users in separate browser contexts: a distributor who
// signs up and follows in the UI, and a supplier who posts a card with three
// photos; the card, then its sold-out state, reach the distributor's open
// feed live; the distributor reshares it and the public share page shows
// the distributor's price and never the cost.
func TestBrowser_PostFollowShareSoldOut(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	findChromium(t)
	n := startNode(t, t.TempDir())

	// The supplier exists beforehand (API); everything else goes through the UI.
	sup := n.signUp("supplier", "orchard_sup")

	ctx, cancel := context.WithTimeout(context.Background(), 85*time.Second)
	defer cancel()
	b := startBrowser(t, ctx)
	defer b.checkConsole()

	dist := b.newTab("distributor")
	supp := b.newTab("supplier")

	// (1) Distributor: sign up in the UI, follow the supplier in the UI, open the feed.
	dist.do("open sign-up", chromedp.Navigate(n.URL+appPath+"#/signup"))
	dist.click("[data-test=signup-role-distributor]")
	dist.typeInto("[data-test=signup-handle]", "lily_dist")
	dist.typeInto("[data-test=signup-name]", "Lily")
	dist.typeInto("[data-test=signup-password]", "password123")
	dist.click("[data-test=signup-submit]")
	dist.waitFor("[data-test=tab-feed]")

	dist.route("#/supplier/" + sup.Handle)
	dist.waitFor("[data-test=follow-button][data-state=none]")
	dist.click("[data-test=follow-button]")
	dist.waitFor("[data-test=follow-button][data-state=active]")

	dist.click("[data-test=tab-feed]")
	dist.waitFor("[data-test=feed-empty]")
	dist.waitFor("[data-test=conn-state][data-state=live]")

	// (2) Supplier: sign in in the UI, post a card with three photos.
	supp.do("open sign-in", chromedp.Navigate(n.URL+appPath+"#/post"))
	supp.typeInto("[data-test=signin-handle]", sup.Handle)
	supp.typeInto("[data-test=signin-password]", "password123")
	supp.click("[data-test=signin-submit]")
	supp.waitFor("[data-test=tab-post]")
	supp.click("[data-test=tab-post]")
	supp.waitFor("[data-test=post-form]")

	dir := t.TempDir()
	colours := []color.RGBA{{200, 40, 40, 255}, {40, 160, 60, 255}, {40, 80, 200, 255}}
	var files []string
	for i, c := range colours {
		p := filepath.Join(dir, fmt.Sprintf("photo%d.jpg", i+1))
		if err := os.WriteFile(p, solidJPEG(t, 800, 600, c), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	supp.do("choose photos", chromedp.SetUploadFiles(chromedp.CSS("[data-test=post-photos]"), files))
	supp.waitJS("three photos uploaded",
		`document.querySelectorAll('[data-test=photo-tile][data-state=done]').length === 3`)
	supp.typeInto("[data-test=post-title]", "Silk scarf, spring print")
	supp.typeInto("[data-test=post-description]", "100% mulberry silk, 90×90 cm.")
	supp.typeInto("[data-test=post-cost]", "48")
	supp.typeInto("[data-test=post-retail]", "128")
	supp.waitJS("margin preview", `(document.querySelector('[data-test=post-margin]')||{}).textContent.includes('80')`)
	supp.eval(`window.scrollTo(0, 0), true`, nil)
	supp.screenshot("post-form.png")
	supp.click("[data-test=post-publish]")
	supp.waitFor("[data-test=mycard]")
	var cardID string
	supp.eval(`document.querySelector('[data-test=mycard]').dataset.cardId`, &cardID)
	if cardID == "" {
		t.Fatal("posted card has no data-card-id")
	}
	cardSel := fmt.Sprintf(`[data-test=feed-card][data-card-id=%q]`, cardID)

	// (3) The distributor's open feed shows the card without a reload.
	dist.waitFor(cardSel)
	if got := dist.text(cardSel + " [data-test=card-cost]"); !strings.HasPrefix(got, "¥48") || strings.Contains(got, "148") {
		t.Errorf("card-cost = %q, want ¥48", got)
	}
	if got := dist.text(cardSel + " [data-test=card-retail]"); !strings.HasPrefix(got, "¥128") {
		t.Errorf("card-retail = %q, want ¥128", got)
	}
	var photos int
	dist.eval(fmt.Sprintf(`document.querySelectorAll(%q).length`, cardSel+" [data-test=card-grid] .grid-cell"), &photos)
	if photos != 3 {
		t.Errorf("card grid has %d photos, want 3", photos)
	}
	var reloaded bool
	dist.eval(`performance.getEntriesByType('navigation').length !== 1`, &reloaded)
	if reloaded {
		t.Error("distributor page was reloaded")
	}
	dist.waitJS("card images loaded", fmt.Sprintf(`[...document.querySelectorAll(%q)].every(i => i.complete && i.naturalWidth > 0)`, cardSel+" img"))
	dist.screenshot("feed.png")

	// (4) Share at the distributor's own price (clipboard fallback path).
	dist.click(cardSel + " [data-test=card-share]")
	dist.waitFor("[data-test=share-sheet] [data-test=share-price]")
	dist.typeInto("[data-test=share-price]", "158")
	dist.typeInto("[data-test=share-text]", "Spring pick from Lily")
	dist.screenshot("share-sheet.png")
	dist.click("[data-test=share-confirm]")
	dist.waitFor("[data-test=share-result-url]")
	var shareURL string
	dist.eval(`document.querySelector('[data-test=share-result-url]').getAttribute('href')`, &shareURL)
	u, err := url.Parse(shareURL)
	if err != nil || !strings.HasPrefix(u.Path, "/s/") {
		t.Fatalf("share url %q: %v", shareURL, err)
	}
	if got := dist.text("[data-test=share-result-text]"); !strings.Contains(got, "158") || strings.Contains(got, "¥48") {
		t.Errorf("share copy text = %q, want the price 158 and no cost", got)
	}
	dist.click("[data-test=share-sheet] [data-test=sheet-close]")
	dist.waitJS("share sheet closed", `!document.querySelector('[data-test=share-sheet]')`)

	// The buyer opens the public page in a third, signed-out context.
	buyer := b.newTab("buyer")
	buyer.do("open share page", chromedp.Navigate(n.URL+u.Path))
	var html string
	buyer.eval(`document.documentElement.outerHTML`, &html)
	if !strings.Contains(html, "158") {
		t.Errorf("share page does not show the distributor's price 158:\n%s", html)
	}
	if !strings.Contains(html, "Silk scarf") {
		t.Errorf("share page does not show the title")
	}
	for _, leak := range []string{"¥48", "¥ 48", "48.00"} {
		if strings.Contains(html, leak) {
			t.Errorf("share page leaks %q (cost):\n%s", leak, html)
		}
	}
	buyer.waitJS("share page images loaded", `document.images.length > 0 && [...document.images].filter(i => i.loading !== 'lazy').every(i => i.complete && i.naturalWidth > 0)`)
	buyer.screenshot("share-page.png")

	// (5) The supplier marks it sold out; the open feed shows it in place.
	mySel := fmt.Sprintf(`[data-test=mycard][data-card-id=%q]`, cardID)
	supp.click(mySel + " [data-test=mycard-soldout-toggle]")
	supp.waitFor(mySel + " [data-test=mycard-soldout]")
	dist.waitFor(cardSel + " [data-test=card-soldout]")
	dist.eval(`performance.getEntriesByType('navigation').length !== 1`, &reloaded)
	if reloaded {
		t.Error("distributor page was reloaded")
	}
	dist.eval(`window.scrollTo(0, 0), true`, nil)
	dist.screenshot("overview.png")

	b.checkConsole()
}

// appPath is where the tests open the app, as a user would.
const appPath = "/app/"
