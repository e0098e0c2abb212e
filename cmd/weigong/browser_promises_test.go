package main

import (
	"bytes"
	"fmt"
	"image/color"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_SupplierPromises ensures a supplier sets guarantees and a
// level rule (yuan typed, fen sent) on the profile screen and posts a card
// with variants and their stock, early for its gold followers, then
// restocks a variant, and a card with plain stock; and that a gold follower then sees on the
// supplier's page the operator's verified badge, the guarantees and the
// measured figures, and on the card the early mark and the stock per
// variant, offered in the order form's variant picker.
func TestBrowser_SupplierPromises(t *testing.T) {
	needBrowser(t)
	data := t.TempDir()
	n := startNode(t, data)
	sup := n.signUp("supplier", "promise_sup")
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]any{"levels": []string{"standard", "gold"}})
	dist := n.signUp("distributor", "promise_dist")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	n.Stop()
	var out, errOut bytes.Buffer
	if code := run(append(append([]string{"verify"}, dataArgs(data)...), sup.Handle), &out, &errOut); code != 0 {
		t.Fatalf("verify exit %d: %s", code, errOut.String())
	}
	n = startNode(t, data)
	n.must(200, "PATCH", "/v1/me/followers/"+dist.ID, sup.Token, map[string]any{"level": "gold"})

	b := browserFor(t, 100*time.Second)
	s := b.newTab("supplier")
	signInUI(s, n.URL+appPath+"#/profile", sup.Handle)

	// (1) Guarantees and a level rule.
	s.waitFor("[data-test=supplier-badge][data-badge=verified]")
	s.waitFor("[data-test=supplier-metrics] [data-test=metrics-orders-due]") // its own figures, as others see them
	s.typeInto("[data-test=profile-rule][data-level=gold]", "500")
	for _, g := range []string{"ship_24h", "late_refund", "exchange_15d"} {
		s.click("[data-test=profile-guarantee-" + g + "]")
	}
	s.click("[data-test=profile-save]")
	s.waitJS("saved", `(document.querySelector('[data-test=toast]') || {}).dataset.kind === 'info'`)
	var me struct {
		Guarantees []string
		LevelRules []struct {
			Level       string
			MinSpend90d int64 `json:"min_spend_90d"`
		} `json:"level_rules"`
	}
	n.must(200, "GET", "/v1/me", sup.Token, nil).decode(t, &me)
	if want := []string{"ship_24h", "late_refund", "exchange_15d"}; !reflect.DeepEqual(me.Guarantees, want) {
		t.Errorf("guarantees = %v, want %v", me.Guarantees, want)
	}
	if len(me.LevelRules) != 1 || me.LevelRules[0].Level != "gold" || me.LevelRules[0].MinSpend90d != 50000 {
		t.Errorf("level_rules = %+v, want gold at 50000 fen", me.LevelRules)
	}

	// (2) A card with two variants and their stock.
	s.click("[data-test=tab-post]")
	photo := jpegFile(t, color.RGBA{10, 120, 90, 255})
	s.do("choose photo", chromedp.SetUploadFiles(chromedp.CSS("[data-test=post-photos]"), []string{photo}))
	s.waitFor("[data-test=photo-tile][data-state=done]")
	s.typeInto("[data-test=post-title]", "Cotton tee")
	s.typeInto("[data-test=post-cost]", "30")
	s.typeInto("[data-test=post-retail]", "79")
	s.click("[data-test=post-inventory] summary")
	s.click("[data-test=post-variant-add]")
	s.click("[data-test=post-variant-add]")
	for i, v := range [][2]string{{"白/M", "5"}, {"黑/L", "0"}} {
		s.typeInto(fmt.Sprintf("[data-test=post-variants] > :nth-child(%d) [data-test=post-variant-spec]", i+1), v[0])
		s.typeInto(fmt.Sprintf("[data-test=post-variants] > :nth-child(%d) [data-test=post-variant-stock]", i+1), v[1])
	}
	s.click("[data-test=post-advanced] summary")
	s.do("early access for gold", chromedp.SetValue(chromedp.CSS("[data-test=post-early-level]"), "gold"))
	s.click("[data-test=post-publish]")
	s.waitFor("[data-test=mycard] [data-test=mycard-stock]")
	if got := s.text("[data-test=mycard-stock]"); got != "白/M 5 left · 黑/L 0 left" {
		t.Errorf("mycard-stock = %q", got)
	}
	// One more 白/M comes in: the edit sheet sends the variants' stock.
	s.click("[data-test=mycard-edit]")
	s.typeInto("[data-test=edit-variant-stock][data-spec='白/M']", "6")
	s.click("[data-test=edit-save]")
	s.waitJS("stock saved", `(document.querySelector('[data-test=mycard-stock]') || {}).textContent === '白/M 6 left · 黑/L 0 left'`)

	// A card without variants takes its stock from one field.
	s.click("[data-test=mycards-new]")
	s.do("choose photo", chromedp.SetUploadFiles(chromedp.CSS("[data-test=post-photos]"), []string{photo}))
	s.waitFor("[data-test=photo-tile][data-state=done]")
	s.typeInto("[data-test=post-title]", "Canvas bag")
	s.typeInto("[data-test=post-cost]", "20")
	s.typeInto("[data-test=post-retail]", "49")
	s.eval(`document.querySelector('[data-test=post-inventory]').open = true`, nil) // still open from the first card
	s.typeInto("[data-test=post-stock]", "12")
	s.click("[data-test=post-publish]")
	s.waitJS("second card listed with its stock", `[...document.querySelectorAll('[data-test=mycard-stock]')].some((e) => e.textContent === '12 left')`)

	// (3) The follower sees the badge, the promises, the figures, the stock.
	d := b.newTab("distributor")
	signInUI(d, n.URL+appPath+"#/feed", dist.Handle)
	d.route("#/supplier/" + sup.Handle)
	d.waitFor("[data-test=supplier-profile] [data-test=supplier-badge][data-badge=verified]")
	for _, g := range []string{"ship_24h", "late_refund", "exchange_15d"} {
		d.waitFor("[data-test=supplier-guarantee][data-guarantee=" + g + "]")
	}
	d.waitFor("[data-test=metrics-orders-due]")
	if got := d.text("[data-test=metrics-on-time]"); got != "—" {
		t.Errorf("on-time rate with no orders = %q, want —", got)
	}
	d.waitFor("[data-test=supplier-card] [data-test=card-stock]")
	if got := d.text("[data-test=supplier-card]:has([data-test=card-early]) [data-test=card-stock]"); got != "白/M 6 left · 黑/L 0 left" {
		t.Errorf("card-stock = %q", got)
	}
	d.waitFor("[data-test=supplier-card] [data-test=card-early]") // gold sees it inside the window, marked
	d.click("[data-test=supplier-card]:has([data-test=card-early]) [data-test=card-order]")
	var options []struct {
		Value    string
		Disabled bool
	}
	d.eval(`[...document.querySelectorAll('[data-test=order-variant] option')].map((o) => ({value: o.value, disabled: o.disabled}))`, &options)
	if len(options) != 2 || options[0].Value != "白/M" || options[0].Disabled || !options[1].Disabled {
		t.Errorf("variant picker = %+v, want 白/M and a disabled 黑/L (none left)", options)
	}

	// (4) Earned badges say how many orders they were measured from.
	d.eval(`import('./cardview.js').then((m) => { window.cardview = m; }), true`, nil)
	d.waitJS("cardview.js loaded", `!!window.cardview`)
	var earned, granted string
	d.eval(`(() => { const e = document.createElement('div'); e.append(...window.cardview.supplierBadges({badges: ['on_time', 'as_described'], measured_orders: 42}).flat().filter(Boolean)); return e.textContent })()`, &earned)
	d.eval(`(() => { const e = document.createElement('div'); e.append(...window.cardview.supplierBadges({badges: ['verified'], measured_orders: 42}).flat().filter(Boolean)); return e.textContent })()`, &granted)
	if !strings.Contains(earned, "Ships on time") || !strings.Contains(earned, "measured from 42 orders in 90 days") {
		t.Errorf("earned badges read %q", earned)
	}
	if strings.Contains(granted, "measured") {
		t.Errorf("a granted badge alone claims a measurement: %q", granted)
	}
}
