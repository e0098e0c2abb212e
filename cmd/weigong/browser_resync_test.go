package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// wsSpy wraps the page's WebSocket before the app loads: window.__mute
// drops incoming frames (an event lost), window.__bogus makes the next
// connection resume from a cursor the server does not know (it answers
// resync), and window.__ws is the newest socket.
const wsSpy = `(() => {
	const Real = window.WebSocket;
	window.__mute = false;
	window.__bogus = false;
	window.__urls = [];
	window.WebSocket = class extends Real {
		constructor(url, protocols) {
			if (window.__bogus) {
				url = url.replace(/after=[^&]*/, 'after=unknownlog.1');
				window.__bogus = false;
			}
			super(url, protocols);
			window.__ws = this;
			window.__urls.push(url);
		}
		set onmessage(fn) { super.onmessage = fn && ((e) => { if (!window.__mute) fn(e); }); }
		get onmessage() { return super.onmessage; }
	};
})();`

// TestBrowser_OrdersAfterResync ensures a supplier's open Orders screen
// does not miss an order whose event it never received: when the stream
// cannot resume (resync), the list and the badge are loaded again, and
// live updates flow afterwards.
func TestBrowser_OrdersAfterResync(t *testing.T) {
	needBrowser(t)
	n := startNode(t, t.TempDir())
	w := newOrderWorld(t, n, "resync", map[string]any{"title": "Teapot"})
	b := browserFor(t, 60*time.Second)
	s := b.newTab("supplier")
	ctx, cancel := context.WithTimeout(s.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (page.AddScriptToEvaluateOnNewDocumentResult, error) {
		return cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: wsSpy})
	}); err != nil {
		t.Fatalf("installing the websocket spy: %v", err)
	}
	signInUI(s, n.URL+appPath+"#/orders", w.sup.Handle)
	s.waitFor("[data-test=orders-empty]")
	s.waitFor("[data-test=conn-state][data-state=live]")

	// The order's event is lost on the way.
	s.eval(`window.__mute = true`, nil)
	var o orderReply
	n.must(201, "POST", "/v1/orders", w.dist.Token, map[string]any{
		"lines": []map[string]any{{"card_id": w.card.ID, "qty": 1}}, "consignee": testConsignee}).decode(t, &o)
	row := fmt.Sprintf("[data-test=order][data-order-id=%q]", o.ID)
	time.Sleep(500 * time.Millisecond)
	var shown bool
	s.eval(fmt.Sprintf(`!!document.querySelector(%q)`, row), &shown)
	if shown {
		t.Fatal("the order showed although its event was dropped: the test no longer tests the resync")
	}

	// The connection drops and cannot resume: the server says resync.
	s.eval(`window.__mute = false, window.__bogus = true, window.__ws.close(), true`, nil)
	s.waitJS("resumed from an unknown cursor", `window.__urls.some((u) => u.includes('after=unknownlog.1'))`)
	s.waitFor(row + "[data-state=submitted]")
	s.waitJS("badge counts it", `document.querySelector('[data-test=orders-badge]').textContent === '1'`)
	s.waitFor("[data-test=conn-state][data-state=live]")

	// Live again: the next move arrives as an event.
	n.must(200, "POST", "/v1/orders/"+o.ID+"/accept", w.sup.Token, nil)
	s.waitFor(row + "[data-state=accepted]")
}
