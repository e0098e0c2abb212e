package main

import (
	"context"
	"fmt"
	"image/color"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_EmbedWidgetOnAnotherOrigin loads /embed/weigong.js into a
// page on another origin, in a browser signed in to Weigong as an active
// follower, and checks that <weigong-channel> and <weigong-share> render
// the channel's cards and the share's price from their Shadow DOM, take
// their colour from a CSS custom property, show no cost price (the
// follower's own cost would appear if any credential went along), send no
// cookie with any request, and log no console error. Then a page with
// lang="zh-CN" gets the widget's own words in Chinese (open, sold out,
// no longer available), unless an element says lang="en".
func TestBrowser_EmbedWidgetOnAnotherOrigin(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	findChromium(t)
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "widget_sup")
	dist := n.signUp("distributor", "widget_dist")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	img := n.uploadImage(sup.Token, color.RGBA{30, 90, 200, 255})
	n.createCard(sup.Token, map[string]any{"title": "Widget teapot", "cost_price": sentinelCost, "retail_price": 1999999}, img)
	card := n.createCard(sup.Token, map[string]any{"title": "Widget scarf", "cost_price": sentinelCost, "retail_price": 1999999}, img)
	var sh, soldOut, gone struct{ ID string }
	n.must(201, "POST", "/v1/shares", dist.Token, map[string]any{"card_id": card.ID, "price": 1888800, "text": "Hand-made"}).decode(t, &sh)
	cup := n.createCard(sup.Token, map[string]any{"title": "Widget cup", "cost_price": sentinelCost, "retail_price": 1999999}, img)
	n.must(201, "POST", "/v1/shares", dist.Token, map[string]any{"card_id": cup.ID}).decode(t, &soldOut)
	n.must(200, "PATCH", "/v1/cards/"+cup.ID, sup.Token, map[string]any{"sold_out": true})
	n.must(201, "POST", "/v1/shares", dist.Token, map[string]any{"card_id": cup.ID}).decode(t, &gone)
	n.must(204, "DELETE", "/v1/shares/"+gone.ID, dist.Token, nil)

	// Weigong is reached through a proxy that records every Cookie header
	// the widget's requests carry.
	target, _ := url.Parse(n.URL)
	var mu sync.Mutex
	var requests, withCookie []string
	proxy := httputil.NewSingleHostReverseProxy(target)
	weigong := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.URL.Path)
		if r.Header.Get("Cookie") != "" {
			withCookie = append(withCookie, r.URL.Path)
		}
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	defer weigong.Close()
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/zh" {
			fmt.Fprintf(w, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>小店</title>
<link rel="icon" href="data:,">
<script src="%[1]s/embed/weigong.js" crossorigin="anonymous" defer></script></head>
<body><weigong-share id="%[2]s" data-test="zh"></weigong-share>
<weigong-share id="%[3]s" data-test="zh-sold-out"></weigong-share>
<weigong-share id="%[4]s" data-test="zh-gone"></weigong-share>
<weigong-share id="%[2]s" lang="en" data-test="en"></weigong-share></body></html>`, weigong.URL, sh.ID, soldOut.ID, gone.ID)
			return
		}
		fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>A shop</title>
<link rel="icon" href="data:,">
<style>weigong-share { --weigong-accent: rgb(1, 2, 3); }</style>
<script src="%s/embed/weigong.js" crossorigin="anonymous" defer></script></head>
<body><h1>Our picks</h1><weigong-channel handle="widget_sup" limit="6"></weigong-channel>
<weigong-share id="%s"></weigong-share></body></html>`, weigong.URL, sh.ID)
	}))
	defer page.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 85*time.Second)
	defer cancel()
	b := startBrowser(t, ctx)
	b.failedRequests = true
	defer b.checkConsole()
	tb := b.newTab("shop")

	// Sign in to Weigong in this browser: its wg_session cookie (host
	// 127.0.0.1, any port) would go with any credentialed request.
	tb.do("open weigong", chromedp.Navigate(weigong.URL+"/app/"))
	// The fetches are awaited: a promise is truthy, so polling one would
	// not wait, and a /v1/me sent before the sign-in ends is a 401 the
	// console check would count.
	awaited := func(expr string) (status int) {
		t.Helper()
		status, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return status
	}
	if got := awaited(`fetch('/v1/sessions', {method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({handle: 'widget_dist', password: 'password123'})}).then(r => r.status)`); got != 200 {
		t.Fatalf("signing in answered %d", got)
	}
	if got := awaited(`fetch('/v1/me').then(r => r.status)`); got != 200 {
		t.Fatalf("GET /v1/me signed in answered %d", got)
	}
	mu.Lock()
	requests, withCookie = nil, nil
	mu.Unlock()

	tb.do("open the shop page", chromedp.Navigate(page.URL+"/"))
	tb.waitJS("channel rendered", `document.querySelector('weigong-channel').dataset.state === 'ready'`)
	tb.waitJS("share rendered", `document.querySelector('weigong-share').dataset.state === 'ready'`)
	tb.waitJS("photos loaded", `[...document.querySelector('weigong-share').shadowRoot.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0)`)

	var channel, share, accent string
	tb.eval(`document.querySelector('weigong-channel').shadowRoot.textContent`, &channel)
	tb.eval(`document.querySelector('weigong-share').shadowRoot.textContent`, &share)
	tb.eval(`getComputedStyle(document.querySelector('weigong-share').shadowRoot.querySelector('.price')).color`, &accent)
	if !strings.Contains(channel, "Widget teapot") || !strings.Contains(channel, "Widget scarf") {
		t.Errorf("channel shows %q", channel)
	}
	if !strings.Contains(share, "¥18888.00") || !strings.Contains(share, "Hand-made") || !strings.Contains(share, "Widget scarf") {
		t.Errorf("share shows %q", share)
	}
	if accent != "rgb(1, 2, 3)" {
		t.Errorf("the price colour is %q, not the page's --weigong-accent", accent)
	}
	var html string
	tb.eval(`[...document.querySelectorAll('weigong-channel, weigong-share')].map(e => e.shadowRoot.innerHTML).join('')`, &html)
	for _, leak := range []string{fmt.Sprint(sentinelCost), "9876.54", "cost"} {
		if strings.Contains(html+channel+share, leak) {
			t.Errorf("the widget shows %q", leak)
		}
	}

	// The same widget on a Chinese page. The deleted share answers 404,
	// which the browser logs; the widget shows it as gone.
	b.mu.Lock()
	b.failedRequests = false
	b.mu.Unlock()
	tb.do("open the Chinese page", chromedp.Navigate(page.URL+"/zh"))
	tb.waitJS("Chinese widgets rendered", `[...document.querySelectorAll('weigong-share')].every(e => e.dataset.state === 'ready' || e.dataset.state === 'gone')`)
	text := func(test string) string {
		var s string
		tb.eval(fmt.Sprintf(`[...document.querySelector('[data-test=%q]').shadowRoot.children].filter(e => e.localName !== 'style').map(e => e.textContent).join(' ')`, test), &s)
		return s
	}
	english := []string{"Open", "Sold out", "No longer available", "Could not load"}
	for test, want := range map[string][]string{"zh": {"打开", "¥18888.00"}, "zh-sold-out": {"已售罄", "打开"}, "zh-gone": {"商品已下架"}} {
		got := text(test)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s shows %q, without %q", test, got, w)
			}
		}
		for _, w := range english {
			if strings.Contains(got, w) {
				t.Errorf("%s on a Chinese page shows %q: %q", test, w, got)
			}
		}
	}
	if got := text("en"); !strings.Contains(got, "Open") || strings.Contains(got, "打开") {
		t.Errorf(`lang="en" on a Chinese page shows %q`, got)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(requests) < 4 {
		t.Fatalf("the widget made %d requests through Weigong: %v", len(requests), requests)
	}
	if len(withCookie) > 0 {
		t.Errorf("the widget sent cookies with %v", withCookie)
	}
}
