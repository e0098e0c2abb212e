package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowser_ChineseOrderScreens ensures the order screens speak Chinese
// to a phone set to Chinese: the order form, the Orders list and the
// order sheet with its moves (the supplier's, with the shipment form, and
// the distributor's after-sales form) show no untranslated English word.
func TestBrowser_ChineseOrderScreens(t *testing.T) {
	needBrowser(t)
	n := startNode(t, t.TempDir())
	w := newOrderWorld(t, n, "zh", map[string]any{"title": "真丝围巾", "description": "桑蚕丝", "stock": 9})
	n.must(200, "PATCH", "/v1/me", w.sup.Token, map[string]any{"name": "丝绸工坊"})
	n.must(200, "PATCH", "/v1/me", w.dist.Token, map[string]any{"name": "小李"})

	b := browserFor(t, 90*time.Second)
	d := chineseTab(b, "distributor")
	s := chineseTab(b, "supplier")
	signInUI(d, n.URL+appPath+"#/feed", w.dist.Handle)
	signInUI(s, n.URL+appPath+"#/orders", w.sup.Handle)
	var lang string
	d.eval(`navigator.language`, &lang)
	if lang != "zh-CN" {
		t.Fatalf("navigator.language = %q, want zh-CN", lang)
	}

	// englishIn lists Latin words of four letters or more in the visible
	// text under sel (input values and placeholders are not text).
	englishIn := func(tb *tab, sel string) []string {
		var words []string
		tb.eval(fmt.Sprintf(`(document.querySelector(%q).innerText.match(/[A-Za-z]{4,}/g) || [])`, sel), &words)
		return words
	}
	check := func(tb *tab, sel, what string) {
		t.Helper()
		if words := englishIn(tb, sel); len(words) > 0 {
			t.Errorf("%s in Chinese shows English words %v", what, words)
		}
	}

	cardSel := fmt.Sprintf("[data-test=feed-card][data-card-id=%q]", w.card.ID)
	d.click(cardSel + " [data-test=card-order]")
	d.typeInto("[data-test=order-paste]", "张三 13800001234 浙江省杭州市西湖区文三路 1 号")
	d.click("[data-test=order-paste-fill]")
	check(d, "[data-test=order-sheet-new]", "the order form")
	d.screenshot("order-form-zh.png")
	d.click("[data-test=order-submit]")
	d.click("[data-test=order-result-view]")
	d.waitFor("[data-test=order]")
	check(d, "#view", "the distributor's Orders screen")

	s.waitFor("[data-test=order][data-state=submitted]")
	check(s, "body", "the supplier's Orders screen with its tab bar")
	s.click("[data-test=order-open]")
	s.click("[data-test=order-accept]")
	s.waitFor("[data-test=ship-form]")
	check(s, "[data-test=order-sheet]", "the supplier's order sheet with the shipment form")
	s.typeInto("[data-test=ship-carrier]", "顺丰速运")
	s.typeInto("[data-test=ship-tracking]", "SF1")
	s.click("[data-test=ship-submit]")
	s.waitFor("[data-test=order-sheet] [data-test=order-state][data-state=shipped]")
	s.screenshot("order-sheet-zh.png")

	d.waitFor("[data-test=order][data-state=shipped]")
	d.click("[data-test=order-open]")
	d.waitFor("[data-test=order-sheet] [data-test=order-receive]")
	check(d, "[data-test=order-sheet]", "the distributor's order sheet")
	d.click("[data-test=order-aftersale]")
	d.waitFor("[data-test=aftersale-sheet]")
	check(d, "[data-test=aftersale-sheet]", "the after-sales form")
}

// chineseTab opens a tab whose browser says it prefers Chinese
// (navigator.language = zh-CN), as a phone set to Chinese does.
func chineseTab(b *browser, name string) *tab {
	tb := b.newTab(name)
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (cdp.Empty, error) {
		return cdp.Call(ctx, t, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: "Mozilla/5.0 (Linux; Android 14) Weigong-test", AcceptLanguage: "zh-CN,zh"})
	})
	if err != nil {
		b.t.Fatalf("%s: emulate Chinese: %v", name, err)
	}
	return tb
}
