package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser_OrderMoves drives the order and after-sale moves that
// TestBrowser_OrderLoop does not, each through the buttons of the party
// that makes it while the other party's open list follows live: the
// server's "only N left" shown in the order form; reject with a reason;
// cancel before acceptance; a cancel request declined; payment marked;
// a partial shipment, then the rest; receipt confirmed; a return:
// approved, sent back with its parcel, received and refunded; a reissue
// rejected, withdrawn, asked again, approved and sent; and a cancel
// request approved.
func TestBrowser_OrderMoves(t *testing.T) {
	needBrowser(t)
	n := startNode(t, t.TempDir())
	w := newOrderWorld(t, n, "moves", map[string]any{"title": "Tea set", "cost_price": 3000, "stock": 6})
	place := func(qty int) string {
		var o orderReply
		n.must(201, "POST", "/v1/orders", w.dist.Token, map[string]any{
			"lines": []map[string]any{{"card_id": w.card.ID, "qty": qty}}, "consignee": testConsignee}).decode(t, &o)
		return o.ID
	}

	b := browserFor(t, 150*time.Second)
	d := b.newTab("distributor")
	s := b.newTab("supplier")
	signInUI(d, n.URL+appPath+"#/feed", w.dist.Handle)
	signInUI(s, n.URL+appPath+"#/orders", w.sup.Handle)
	s.waitFor("[data-test=conn-state][data-state=live]")
	d.waitFor("[data-test=conn-state][data-state=live]")

	// More than the stock: the server's 409 is shown in the form.
	cardSel := fmt.Sprintf("[data-test=feed-card][data-card-id=%q]", w.card.ID)
	d.click(cardSel + " [data-test=card-order]")
	d.typeInto("[data-test=order-qty]", "7")
	d.typeInto("[data-test=order-paste]", "李四 13700002222 广东省深圳市南山区科技园 1 号")
	d.click("[data-test=order-paste-fill]")
	d.click("[data-test=order-submit]")
	d.waitJS("stock error shown", `(document.querySelector('[data-test=order-error]') || {}).textContent.includes('only 6 left')`)
	d.click("[data-test=order-sheet-new] [data-test=sheet-close]")
	d.route("#/orders")
	d.waitFor("[data-test=orders-empty]")

	rowOf := func(id string) string { return fmt.Sprintf("[data-test=order][data-order-id=%q]", id) }
	openAs := func(tb *tab, id string) {
		tb.click(rowOf(id) + " [data-test=order-open]")
		tb.waitFor("[data-test=order-sheet] [data-test=order-consignee-full]")
	}
	closeSheet := func(tb *tab) {
		tb.click("[data-test=order-sheet] [data-test=sheet-close]")
		tb.waitJS("order sheet closed", `!document.querySelector('[data-test=order-sheet]')`)
	}
	giveReason := func(tb *tab, reason string) {
		tb.typeInto("[data-test=reason-sheet] [data-test=reason-text]", reason)
		tb.click("[data-test=reason-ok]")
	}

	// (1) The supplier rejects an order with a reason.
	rejected := place(1)
	s.waitFor(rowOf(rejected) + "[data-state=submitted]")
	d.waitFor(rowOf(rejected) + "[data-state=submitted]")
	openAs(s, rejected)
	s.click("[data-test=order-reject]")
	giveReason(s, "Out of this glaze")
	s.waitFor("[data-test=order-sheet] [data-test=order-state][data-state=rejected]")
	closeSheet(s)
	d.waitFor(rowOf(rejected) + "[data-state=rejected]")

	// (2) The distributor cancels one the supplier has not answered.
	cancelled := place(1)
	d.waitFor(rowOf(cancelled) + "[data-state=submitted]")
	openAs(d, cancelled)
	d.click("[data-test=order-cancel]")
	giveReason(d, "Buyer changed their mind")
	d.waitFor("[data-test=order-sheet] [data-test=order-state][data-state=cancelled]")
	closeSheet(d)
	s.waitFor(rowOf(cancelled) + "[data-state=cancelled]")
	s.waitJS("nothing waits", `document.querySelector('[data-test=orders-badge]').hidden`)

	// (3) After acceptance a cancel is a request; the supplier declines it.
	kept := place(2)
	n.must(200, "POST", "/v1/orders/"+kept+"/accept", w.sup.Token, nil)
	d.waitFor(rowOf(kept) + "[data-state=accepted]")
	openAs(d, kept)
	d.click("[data-test=order-cancel]")
	giveReason(d, "")
	d.waitFor("[data-test=order-sheet] [data-test=order-cancel-requested]")
	closeSheet(d)
	s.waitFor(rowOf(kept) + " [data-test=order-cancel-requested]")
	s.waitJS("badge counts the request", `document.querySelector('[data-test=orders-badge]').textContent === '1'`)
	openAs(s, kept)
	s.click("[data-test=order-cancel-decline]")
	s.waitJS("request declined", `!document.querySelector('[data-test=order-sheet] [data-test=order-cancel-requested]')`)
	d.waitJS("distributor sees it declined", fmt.Sprintf(`!document.querySelector(%q)`, rowOf(kept)+" [data-test=order-cancel-requested]"))

	// (4) Payment, then one of two pieces, then the rest. What is typed in
	// the shipment form survives the sheet's redraw after the payment.
	s.typeInto("[data-test=ship-carrier]", "中通快递")
	s.typeInto("[data-test=ship-tracking]", "ZT001")
	s.click("[data-test=order-paid]")
	s.waitFor("[data-test=order-sheet] [data-test=order-payment][data-state=paid]")
	var typed string
	s.eval(`document.querySelector('[data-test=ship-carrier]').value + ' ' + document.querySelector('[data-test=ship-tracking]').value`, &typed)
	if typed != "中通快递 ZT001" {
		t.Errorf("shipment form after a redraw holds %q, want what was typed", typed)
	}
	s.click("[data-test=ship-partial] summary")
	s.typeInto("[data-test=ship-line-qty][data-line='1']", "1")
	s.click("[data-test=ship-submit]")
	s.waitFor("[data-test=order-sheet] [data-test=order-state][data-state=partially_shipped]")
	d.waitFor(rowOf(kept) + "[data-state=partially_shipped] [data-test=order-tracking-number]")
	if got := s.text("[data-test=ship-partial]"); !strings.Contains(got, "(1 to ship)") {
		t.Errorf("partial shipment form after one of two pieces reads %q, want (1 to ship)", got)
	}
	s.typeInto("[data-test=ship-carrier]", "中通快递")
	s.typeInto("[data-test=ship-tracking]", "ZT002")
	s.click("[data-test=ship-submit]")
	s.waitFor("[data-test=order-sheet] [data-test=order-state][data-state=shipped]")
	closeSheet(s)
	d.waitFor(rowOf(kept) + "[data-state=shipped]")
	var parcels []string
	d.eval(fmt.Sprintf(`[...document.querySelectorAll(%q)].map((e) => e.textContent)`, rowOf(kept)+" [data-test=order-tracking-number]"), &parcels)
	if strings.Join(parcels, ",") != "ZT001,ZT002" {
		t.Errorf("distributor sees parcels %v, want ZT001 and ZT002", parcels)
	}

	// (5) Receipt, then a return: approved, sent back, received, refunded.
	openAs(d, kept)
	d.click("[data-test=order-receive]")
	d.waitFor("[data-test=order-sheet] [data-test=order-state][data-state=delivered]")
	d.click("[data-test=order-aftersale]")
	d.click("[data-test=aftersale-kind-return_refund]")
	d.typeInto("[data-test=aftersale-line-qty][data-line='1']", "1")
	d.do("pick category", chromedp.SetValue(chromedp.CSS("[data-test=aftersale-category]"), "quality"))
	d.typeInto("[data-test=aftersale-reason]", "Cup cracked")
	d.click("[data-test=aftersale-submit]")
	d.waitJS("after-sale sheet closed", `!document.querySelector('[data-test=aftersale-sheet]')`)
	closeSheet(d)
	d.click("[data-test=orders-tab-aftersales]")
	d.waitFor("[data-test=aftersale][data-state=requested]")
	if got := d.text("[data-test=aftersale-amount]"); got != "¥30" {
		t.Errorf("return amount = %q, want ¥30 (one piece)", got)
	}
	s.click("[data-test=orders-tab-aftersales]")
	s.click("[data-test=aftersale][data-state=requested] [data-test=aftersale-approve]")
	d.waitFor("[data-test=aftersale][data-state=approved] [data-test=aftersale-return]")
	d.click("[data-test=aftersale-return]")
	d.typeInto("[data-test=parcel-sheet] [data-test=parcel-carrier]", "韵达快递")
	d.typeInto("[data-test=parcel-number]", "YD777")
	d.click("[data-test=parcel-ok]")
	d.waitFor("[data-test=aftersale][data-state=returning]")
	s.waitFor("[data-test=aftersale][data-state=returning] [data-test=aftersale-parcel]")
	if got := s.text("[data-test=aftersale-parcel]"); !strings.Contains(got, "YD777") {
		t.Errorf("supplier sees return parcel %q, want YD777", got)
	}
	s.click("[data-test=aftersale-receive]")
	s.click("[data-test=aftersale][data-state=received] [data-test=aftersale-refund]")
	s.waitFor("[data-test=aftersale][data-state=refunded]")
	d.waitFor("[data-test=aftersale][data-state=refunded]")

	// (6) A reissue: rejected with a reason, withdrawn; asked again,
	// approved and sent again with a parcel.
	askReissue := func() {
		d.click("[data-test=orders-tab-orders]")
		openAs(d, kept)
		d.click("[data-test=order-aftersale]")
		d.click("[data-test=aftersale-kind-reissue]")
		d.typeInto("[data-test=aftersale-reason]", "Lid missing")
		d.click("[data-test=aftersale-submit]")
		d.waitJS("after-sale sheet closed", `!document.querySelector('[data-test=aftersale-sheet]')`)
		closeSheet(d)
		d.click("[data-test=orders-tab-aftersales]")
	}
	askReissue()
	s.click("[data-test=aftersale][data-state=requested] [data-test=aftersale-reject]")
	giveReason(s, "Lids ship separately")
	d.waitFor("[data-test=aftersale][data-state=rejected] [data-test=aftersale-withdraw]")
	d.click("[data-test=aftersale][data-state=rejected] [data-test=aftersale-withdraw]")
	s.waitFor("[data-test=aftersale][data-state=withdrawn]")
	askReissue()
	s.click("[data-test=aftersale][data-state=requested] [data-test=aftersale-approve]")
	s.click("[data-test=aftersale][data-state=approved] [data-test=aftersale-reship]")
	s.typeInto("[data-test=parcel-sheet] [data-test=parcel-carrier]", "顺丰速运")
	s.typeInto("[data-test=parcel-number]", "SF999")
	s.click("[data-test=parcel-ok]")
	d.waitFor("[data-test=aftersale][data-state=reshipped] [data-test=aftersale-parcel]")

	// (7) A cancel request approved: the order is cancelled.
	dropped := place(1)
	n.must(200, "POST", "/v1/orders/"+dropped+"/accept", w.sup.Token, nil)
	n.must(200, "POST", "/v1/orders/"+dropped+"/cancel", w.dist.Token, nil)
	s.click("[data-test=orders-tab-orders]")
	s.waitFor(rowOf(dropped) + " [data-test=order-cancel-requested]")
	openAs(s, dropped)
	s.click("[data-test=order-cancel-approve]")
	s.waitFor("[data-test=order-sheet] [data-test=order-state][data-state=cancelled]")
	d.click("[data-test=orders-tab-orders]")
	d.waitFor(rowOf(dropped) + "[data-state=cancelled]")
}
