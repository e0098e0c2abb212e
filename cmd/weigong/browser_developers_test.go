package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_DevelopersPage drives the Developers screen under Me: make
// an app key (shown once, then listed without it; it works as a Bearer
// token), add a webhook to a receiver (the secret shown once), ping it,
// see the delivery in the log with its attempt, retry it, and revoke the
// key.
func TestBrowser_DevelopersPage(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	findChromium(t)
	n := startNode(t, t.TempDir(), allowPrivateWebhooks)
	n.signUp("distributor", "dev_page")
	rec := newHookReceiver(t)

	ctx, cancel := context.WithTimeout(context.Background(), 85*time.Second)
	defer cancel()
	b := startBrowser(t, ctx)
	defer b.checkConsole()
	tb := b.newTab("developer")
	tb.do("open sign-in", chromedp.Navigate(n.URL+appPath+"#/profile"))
	tb.typeInto("[data-test=signin-handle]", "dev_page")
	tb.typeInto("[data-test=signin-password]", "password123")
	tb.click("[data-test=signin-submit]")
	// The profile lists the suppliers followed once they load, which
	// moves the Developers link down (CI clicked where it had been).
	tb.waitJS("following loaded", `(() => { const l = document.querySelector('[data-test=following-list]'); return !!l && !l.querySelector('.spinner') })()`)
	tb.click("[data-test=profile-developers]")
	tb.waitFor("[data-test=dev-key-create]")

	tb.typeInto("[data-test=dev-key-name]", "my shop")
	tb.click("[data-test=dev-scope-feed-read]")
	tb.click("[data-test=dev-key-create]")
	tb.waitFor("[data-test=dev-new-key-value]")
	key := tb.text("[data-test=dev-new-key-value]")
	if !strings.HasPrefix(key, "wgk_") {
		t.Fatalf("the new key shown is %q", key)
	}
	tb.waitFor("[data-test=dev-key]")
	if listed := tb.text("[data-test=dev-keys]"); strings.Contains(listed, key) || !strings.Contains(listed, "feed:read") {
		t.Fatalf("the key list shows %q", listed)
	}
	n.must(200, "GET", "/v1/feed", key, nil)

	tb.typeInto("[data-test=dev-hook-url]", rec.URL+"/hook")
	tb.typeInto("[data-test=dev-hook-events]", "*")
	tb.click("[data-test=dev-hook-create]")
	tb.waitFor("[data-test=dev-new-secret-value]")
	secret := tb.text("[data-test=dev-new-secret-value]")
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("the secret shown is %q", secret)
	}
	rec.mu.Lock()
	rec.secret = secret
	rec.mu.Unlock()
	tb.click("[data-test=dev-hook-ping]")
	rec.waitFor("ping")
	tb.click("[data-test=dev-hook-deliveries]")
	tb.waitFor("[data-test=dev-delivery]")
	// Refresh until the ping shows as delivered, and only click while it
	// does not: a refresh still drawing would replace the retry button
	// between finding it and clicking it (CI saw "Could not find node").
	tb.waitJS("ping delivered", `(() => {
		const refresh = document.querySelector('[data-test=dev-deliveries-refresh]');
		const done = document.querySelector('[data-test=dev-delivery][data-state=succeeded] [data-test=dev-attempt]') !== null;
		if (!done && !refresh.disabled) refresh.click();
		return done && !refresh.disabled })()`)
	tb.click("[data-test=dev-delivery-retry]")
	// The retry is queued for the sender: refresh until its attempt shows.
	tb.waitJS("retried", `(() => {
		const refresh = document.querySelector('[data-test=dev-deliveries-refresh]');
		const done = document.querySelectorAll('[data-test=dev-attempt]').length >= 2;
		if (!done && !refresh.disabled) refresh.click();
		return done && !refresh.disabled })()`)
	if len(rec.messages()) < 2 {
		t.Fatalf("the receiver got %d requests, want the ping and its retry", len(rec.messages()))
	}
	tb.click("[data-test=sheet-close]")

	tb.click("[data-test=dev-key-revoke]")
	tb.click("[data-test=confirm-ok]")
	tb.waitJS("key gone", `document.querySelector('[data-test=dev-key]') === null`)
	n.must(401, "GET", "/v1/feed", key, nil)
}
