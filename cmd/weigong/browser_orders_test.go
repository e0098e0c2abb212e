package main

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_OrderLoop drives the drop-ship loop in the phone web app,
// with the distributor and the supplier in two browser contexts: the
// distributor orders for a buyer from one of its shares (variant picker,
// address pasted from a chat), the supplier's open Orders screen shows the
// order live with a badge, the supplier accepts and ships, the
// distributor's open list shows the tracking number without a reload, the
// distributor asks for a refund with a photo, and the supplier approves
// it and pays it, each party seeing the case move live. The share then
// counts the order and its sales.
func TestBrowser_OrderLoop(t *testing.T) {
	needBrowser(t)
	n := startNode(t, t.TempDir())

	// The world exists beforehand (API); every order step goes through the UI.
	sup := n.signUp("supplier", "loop_sup")
	dist := n.signUp("distributor", "loop_dist")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	card := n.createCard(sup.Token, map[string]any{"title": "Linen shirt", "cost_price": 5000, "retail_price": 12800,
		"variants": []map[string]any{{"spec": "白/M", "stock": 5}, {"spec": "蓝/L", "stock": 3}}},
		n.uploadImage(sup.Token, color.RGBA{30, 90, 200, 255}))
	var share shareReply
	n.must(201, "POST", "/v1/shares", dist.Token, map[string]any{"card_id": card.ID, "price": 15800}).decode(t, &share)

	b := browserFor(t, 110*time.Second)
	d := b.newTab("distributor")
	s := b.newTab("supplier")
	signInUI(d, n.URL+appPath+"#/shares", dist.Handle)
	signInUI(s, n.URL+appPath+"#/orders", sup.Handle)
	s.waitFor("[data-test=orders-empty]")
	s.waitFor("[data-test=conn-state][data-state=live]")

	// (1) The distributor orders from the share: variant, quantity, the
	// buyer's address pasted from a chat and split into fields.
	shareSel := fmt.Sprintf("[data-test=share-item][data-share-id=%q]", share.ID)
	d.click(shareSel + " [data-test=share-order]")
	d.waitFor("[data-test=order-sheet-new] [data-test=order-variant]")
	d.do("pick variant", chromedp.SetValue(chromedp.CSS("[data-test=order-variant]"), "蓝/L"))
	d.typeInto("[data-test=order-qty]", "2")
	d.typeInto("[data-test=order-paste]", "张三 13800001234 浙江省杭州市西湖区文三路 1 号")
	d.click("[data-test=order-paste-fill]")
	for field, want := range map[string]string{"name": "张三", "phone": "13800001234", "province": "浙江省",
		"city": "杭州市", "district": "西湖区", "address": "文三路 1 号"} {
		var got string
		d.eval(fmt.Sprintf(`document.querySelector('[data-test=order-%s]').value`, field), &got)
		if got != want {
			t.Errorf("pasted address: %s = %q, want %q", field, got, want)
		}
	}
	d.screenshot("order-form.png")
	d.click("[data-test=order-submit]")
	d.waitFor("[data-test=order-result]")
	var orderID string
	d.eval(`document.querySelector('[data-test=order-result]').dataset.orderId`, &orderID)
	if orderID == "" {
		t.Fatal("order result has no data-order-id")
	}
	d.click("[data-test=order-result-view]")
	orderSel := fmt.Sprintf("[data-test=order][data-order-id=%q]", orderID)
	d.waitFor(orderSel + "[data-state=submitted]")
	if got := d.text(orderSel + " [data-test=order-total]"); got != "¥100" {
		t.Errorf("order total = %q, want ¥100 (2 × ¥50, priced by the server)", got)
	}

	// (2) The supplier's open Orders screen shows it live, with a badge.
	s.waitFor(orderSel + "[data-state=submitted]")
	s.waitJS("badge shows 1", `document.querySelector('[data-test=orders-badge]').textContent === '1'`)
	s.screenshot("supplier-orders.png")
	s.click(orderSel + " [data-test=order-open]")
	s.waitFor("[data-test=order-sheet] [data-test=order-consignee-full]")
	if got := s.text("[data-test=order-consignee-full]"); !strings.Contains(got, "13800001234") || !strings.Contains(got, "文三路 1 号") {
		t.Errorf("supplier's order detail consignee = %q, want the whole address", got)
	}
	s.click("[data-test=order-accept]")
	s.waitFor("[data-test=order-sheet] [data-test=order-state][data-state=accepted]")
	if got := s.text("[data-test=order-sheet]"); strings.Contains(got, "undefined") || strings.Contains(got, "false") || strings.Contains(got, "null") {
		t.Errorf("order sheet shows a missing value: %q", got)
	}
	s.waitJS("badge gone", `document.querySelector('[data-test=orders-badge]').hidden`)
	d.waitFor(orderSel + "[data-state=accepted]")

	// (3) The supplier ships; the distributor sees the tracking number live.
	s.typeInto("[data-test=ship-carrier]", "顺丰速运")
	s.typeInto("[data-test=ship-tracking]", "SF1234567890")
	s.screenshot("order-sheet.png")
	s.click("[data-test=ship-submit]")
	s.waitFor("[data-test=order-sheet] [data-test=order-state][data-state=shipped]")
	d.waitFor(orderSel + "[data-state=shipped] [data-test=order-tracking-number]")
	if got := d.text(orderSel + " [data-test=order-tracking-number]"); got != "SF1234567890" {
		t.Errorf("distributor sees tracking number %q, want SF1234567890", got)
	}
	d.screenshot("distributor-orders.png")
	var reloaded bool
	d.eval(`performance.getEntriesByType('navigation').length !== 1`, &reloaded)
	if reloaded {
		t.Error("distributor page was reloaded")
	}
	s.click("[data-test=order-sheet] [data-test=sheet-close]")
	s.waitJS("order sheet closed", `!document.querySelector('[data-test=order-sheet]')`)

	// (4) The distributor asks for a refund, with a photo as evidence.
	d.click(orderSel + " [data-test=order-open]")
	d.click("[data-test=order-sheet] [data-test=order-aftersale]")
	d.waitFor("[data-test=aftersale-sheet]")
	d.click("[data-test=aftersale-kind-refund]")
	d.do("pick category", chromedp.SetValue(chromedp.CSS("[data-test=aftersale-category]"), "damaged"))
	d.typeInto("[data-test=aftersale-reason]", "Box arrived crushed")
	photo := jpegFile(t, color.RGBA{200, 60, 40, 255})
	d.do("choose photo", chromedp.SetUploadFiles(chromedp.CSS("[data-test=aftersale-photos]"), []string{photo}))
	d.waitFor("[data-test=aftersale-sheet] [data-test=photo-tile][data-state=done]")
	d.click("[data-test=aftersale-submit]")
	d.waitJS("after-sale sheet closed", `!document.querySelector('[data-test=aftersale-sheet]')`)
	d.click("[data-test=order-sheet] [data-test=sheet-close]")
	d.waitJS("order sheet closed", `!document.querySelector('[data-test=order-sheet]')`)
	d.click("[data-test=orders-tab-aftersales]")
	d.waitFor("[data-test=aftersale][data-state=requested]")

	// (5) The supplier sees the request live and approves, then refunds.
	s.waitJS("badge counts the request", `document.querySelector('[data-test=orders-badge]').textContent === '1'`)
	s.click("[data-test=orders-tab-aftersales]")
	s.waitFor("[data-test=aftersale][data-state=requested] [data-test=aftersale-photo]")
	if got := s.text("[data-test=aftersale] [data-test=aftersale-amount]"); got != "¥100" {
		t.Errorf("refund amount = %q, want ¥100 (what the lines cost)", got)
	}
	s.click("[data-test=aftersale-approve]")
	s.waitFor("[data-test=aftersale][data-state=approved]")
	d.waitFor("[data-test=aftersale][data-state=approved]")
	s.click("[data-test=aftersale-refund]")
	s.waitFor("[data-test=aftersale][data-state=refunded]")
	d.waitFor("[data-test=aftersale][data-state=refunded]")
	s.waitJS("badge gone", `document.querySelector('[data-test=orders-badge]').hidden`)
	s.screenshot("supplier-aftersales.png")

	// (6) The share traces the sale: views → 1 order → ¥316 (2 × ¥158).
	d.route("#/shares")
	d.waitFor(shareSel + " [data-test=share-orders]")
	if got := d.text(shareSel + " [data-test=share-sales]"); got != "¥316" {
		t.Errorf("share sales = %q, want ¥316", got)
	}
	if got := d.text(shareSel + " [data-test=share-orders]"); !strings.HasPrefix(got, "1 ") {
		t.Errorf("share orders = %q, want 1", got)
	}

	// (7) The feed shows what the order took from the stock, without a reload.
	d.route("#/feed")
	d.waitJS("stock after the order", fmt.Sprintf(`(document.querySelector(%q) || {}).textContent === '白/M 5 left · 蓝/L 1 left'`,
		fmt.Sprintf("[data-test=feed-card][data-card-id=%q] [data-test=card-stock]", card.ID)))
}

// signInUI opens url (a route that needs an account) and signs in there.
func signInUI(tb *tab, url, handle string) {
	tb.t.Helper()
	tb.do("open "+url, chromedp.Navigate(url))
	tb.typeInto("[data-test=signin-handle]", handle)
	tb.typeInto("[data-test=signin-password]", "password123")
	tb.click("[data-test=signin-submit]")
	tb.waitFor("[data-test=tab-profile]")
}

// jpegFile writes a small JPEG of one colour for a file input.
func jpegFile(t *testing.T, c color.RGBA) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "photo.jpg")
	if err := os.WriteFile(p, solidJPEG(t, 400, 300, c), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
