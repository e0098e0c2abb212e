package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_FirstLoadNoConsoleErrors ensures that opening Weigong logs
// nothing to the browser console, failed requests included: a signed-out
// visitor's first load of the app (from the root, then the sign-up and a
// supplier's screens), of a share page and of a channel page; a visitor
// whose session cookie went stale; and a signed-in distributor's and
// supplier's reload, which must also restore the session and the stream.
func TestBrowser_FirstLoadNoConsoleErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	findChromium(t)
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "first", nil)
	s := w.share(nil)

	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	b := startBrowser(t, ctx)
	b.failedRequests = true
	defer b.checkConsole()

	visitor := b.newTab("signed-out visitor")
	visitor.do("open the root", chromedp.Navigate(n.URL+"/"))
	visitor.waitFor("[data-test=signin-handle]")
	visitor.route("#/signup")
	visitor.waitFor("[data-test=signup-handle]")
	visitor.route("#/supplier/" + w.sup.Handle)
	visitor.waitFor("[data-test=follow-button][data-state=none]")
	visitor.do("open a share page", chromedp.Navigate(n.URL+"/s/"+s.ID))
	visitor.waitFor("[data-test=share-card]")
	visitor.do("open a channel page", chromedp.Navigate(n.URL+"/c/"+w.sup.Handle))
	visitor.waitFor("[data-test=channel-follow]")

	// A cookie the server no longer knows (expired, revoked) is what a
	// returning visitor often has: it must look signed out, quietly.
	stale := b.newTab("stale cookie")
	stale.do("open the app", chromedp.Navigate(n.URL+appPath))
	stale.waitFor("[data-test=signin-handle]")
	stale.eval(`document.cookie = "wg_session=stale-token-from-last-month; path=/", true`, nil)
	stale.do("reload", chromedp.Reload())
	stale.waitFor("[data-test=signin-handle]")

	member := b.newTab("signed-in visitor")
	member.do("open the app", chromedp.Navigate(n.URL+appPath+"#/feed"))
	member.typeInto("[data-test=signin-handle]", w.dist.Handle)
	member.typeInto("[data-test=signin-password]", "password123")
	member.click("[data-test=signin-submit]")
	member.waitFor("[data-test=tab-feed]")
	member.do("reload", chromedp.Reload())
	member.waitFor("[data-test=tab-feed][aria-current=page]")
	member.waitFor("[data-test=conn-state][data-state=live]")

	// A supplier's app opens its own stream and counts waiting orders.
	seller := b.newTab("signed-in supplier")
	signInUI(seller, n.URL+appPath+"#/orders", w.sup.Handle)
	seller.do("reload", chromedp.Reload())
	seller.waitFor("[data-test=tab-orders][aria-current=page]")
	seller.waitFor("[data-test=orders-empty]")
	seller.waitFor("[data-test=conn-state][data-state=live]")

	// Console events arrive asynchronously: give the last ones a moment.
	time.Sleep(500 * time.Millisecond)
}
