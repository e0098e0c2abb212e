package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_AfterSaleRowSendsLatestVersion ensures that two moves made
// one after the other on an after-sale row (approve, then refund) send the
// version each answer returned as If-Match, even when no stream event has
// refreshed the row in between: the second move must not be refused as
// stale (412). The row is driven in the page with fetch stubbed, so that
// no event can arrive.
func TestBrowser_AfterSaleRowSendsLatestVersion(t *testing.T) {
	needBrowser(t)
	n := startNode(t, t.TempDir())
	b := browserFor(t, 60*time.Second)
	tb := b.newTab("supplier")
	tb.do("open the app", chromedp.Navigate(n.URL+appPath))
	tb.waitFor("[data-test=signin-handle]")
	tb.eval(`Promise.all([import('./session.js'), import('./aftersales.js')]).then(([session, as]) => {
		session.setUser({ id: 's1', role: 'supplier', handle: 'stub_sup' });
		const base = { id: 'as1', order_id: 'order-000001', kind: 'refund', lines: [{ line: 1, qty: 1 }], reason: 'broken',
			category: 'damaged', amount: 3000, evidence_image_ids: [], state: 'requested', version: 1, created_at: new Date().toISOString() };
		window.ifMatch = [];
		window.fetch = async (path, opts) => {
			const v = Number(opts.headers['If-Match']);
			window.ifMatch.push(v);
			const state = path.endsWith('/approve') ? 'approved' : 'refunded';
			return new Response(JSON.stringify({ ...base, state, version: v + 1 }), { status: 200, headers: { 'Content-Type': 'application/json' } });
		};
		document.getElementById('view').replaceChildren(as.caseRow(base));
	}), true`, nil)
	tb.click("[data-test=aftersale][data-state=requested] [data-test=aftersale-approve]")
	tb.click("[data-test=aftersale][data-state=approved] [data-test=aftersale-refund]")
	tb.waitFor("[data-test=aftersale][data-state=refunded]")
	var sent []int
	tb.eval(`window.ifMatch`, &sent)
	if !reflect.DeepEqual(sent, []int{1, 2}) {
		t.Errorf("If-Match sent = %v, want [1 2]", sent)
	}
}
