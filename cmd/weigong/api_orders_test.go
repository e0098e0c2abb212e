package main

import (
	"image/color"
	"strings"
	"sync"
	"testing"
	"time"
)

type orderReply struct {
	ID              string
	State           string
	Version         int64
	Total           int64
	CancelRequested bool `json:"cancel_requested"`
	Reason          string
	Shipments       []struct{ ID string }
	Lines           []struct {
		UnitPrice int64 `json:"unit_price"`
	}
}

var testConsignee = map[string]string{"name": "李四", "phone": "13700002222", "province": "广东省", "city": "深圳市",
	"district": "南山区", "address": "科技园 1 号"}

// orderWorld is a supplier, an active follower and a stocked card.
type orderWorld struct {
	n         *testNode
	sup, dist account
	card      cardReply
}

func newOrderWorld(t *testing.T, n *testNode, prefix string, cardFields map[string]any) *orderWorld {
	w := &orderWorld{n: n, sup: n.signUp("supplier", prefix+"_sup"), dist: n.signUp("distributor", prefix+"_dist")}
	n.must(200, "PUT", "/v1/suppliers/"+w.sup.ID+"/follow", w.dist.Token, nil)
	w.card = n.createCard(w.sup.Token, cardFields, n.uploadImage(w.sup.Token, color.RGBA{9, 9, 9, 255}))
	return w
}

func (w *orderWorld) place(qty int, extra map[string]any) reply {
	body := map[string]any{"lines": []map[string]any{{"card_id": w.card.ID, "qty": qty}}, "consignee": testConsignee}
	for k, v := range extra {
		body[k] = v
	}
	return w.n.do("POST", "/v1/orders", w.dist.Token, body)
}

// TestAPI_Orders walks an order through the contract over HTTP: server
// pricing, the moves with their statuses, 409 naming the state, 404 for a
// stranger, idempotent shipments (201 then 200), If-Match, lists with
// state filters and cursors, and the share's sales.
func TestAPI_Orders(t *testing.T) {
	n := startNode(t, t.TempDir())
	w := newOrderWorld(t, n, "ord", map[string]any{"cost_price": 5000, "volume_prices": []map[string]int{{"min_qty": 3, "price": 4500}}})
	stranger := n.signUp("distributor", "ord_stranger")
	var sh struct{ ID string }
	n.must(201, "POST", "/v1/shares", w.dist.Token, map[string]any{"card_id": w.card.ID, "price": 9900}).decode(t, &sh)

	var o orderReply
	r := w.place(3, map[string]any{"share_id": sh.ID, "out_order_id": "PO-42", "lines": []map[string]any{{"card_id": w.card.ID, "qty": 3, "unit_price": 1}}})
	if r.Status != 201 {
		t.Fatalf("place = %d %s", r.Status, r.Body)
	}
	r.decode(t, &o)
	if o.State != "submitted" || o.Lines[0].UnitPrice != 4500 || o.Total != 13500 || o.Version != 1 {
		t.Fatalf("order = %+v; want submitted at the volume price 4500 (a client's price is ignored)", o)
	}
	msg := n.mustError(409, "conflict", "POST", "/v1/orders", w.dist.Token, map[string]any{
		"lines": []map[string]any{{"card_id": w.card.ID, "qty": 1}}, "consignee": testConsignee, "out_order_id": "PO-42"})
	if !strings.Contains(msg, o.ID) {
		t.Errorf("out_order_id 409 = %q; want it to name %s", msg, o.ID)
	}
	n.mustError(404, "not_found", "GET", "/v1/orders/"+o.ID, stranger.Token, nil)
	n.mustError(404, "not_found", "POST", "/v1/orders/"+o.ID+"/accept", stranger.Token, nil)
	n.mustError(403, "forbidden", "POST", "/v1/orders/"+o.ID+"/accept", w.dist.Token, nil)
	if msg := n.mustError(409, "conflict", "POST", "/v1/orders/"+o.ID+"/receive", w.dist.Token, nil); !strings.Contains(msg, "submitted") {
		t.Errorf("409 = %q; want it to name the state", msg)
	}
	n.mustError(412, "precondition_failed", "POST", "/v1/orders/"+o.ID+"/accept", w.sup.Token, nil, "If-Match", "7")
	n.must(200, "POST", "/v1/orders/"+o.ID+"/accept", w.sup.Token, nil, "If-Match", "1").decode(t, &o)
	if o.State != "accepted" {
		t.Fatalf("after accept: %s", o.State)
	}
	ship := map[string]any{"carrier": "SF", "tracking_number": "SF100", "lines": []map[string]int{{"line": 1, "qty": 1}}}
	n.must(201, "POST", "/v1/orders/"+o.ID+"/shipments", w.sup.Token, ship).decode(t, &o)
	n.must(200, "POST", "/v1/orders/"+o.ID+"/shipments", w.sup.Token, ship).decode(t, &o)
	if o.State != "partially_shipped" || len(o.Shipments) != 1 {
		t.Fatalf("after a repeated shipment: %s with %d shipments", o.State, len(o.Shipments))
	}
	n.mustError(400, "invalid", "POST", "/v1/orders/"+o.ID+"/shipments", w.sup.Token,
		map[string]any{"carrier": "SF", "tracking_number": "SF101", "lines": []map[string]int{{"line": 1, "qty": 3}}})
	n.must(201, "POST", "/v1/orders/"+o.ID+"/shipments", w.sup.Token, map[string]any{"carrier": "SF", "tracking_number": "SF102"}).decode(t, &o)
	n.must(200, "POST", "/v1/orders/"+o.ID+"/receive", w.dist.Token, nil).decode(t, &o)
	if o.State != "delivered" {
		t.Fatalf("after receive: %s", o.State)
	}
	n.must(200, "POST", "/v1/orders/"+o.ID+"/payment", w.sup.Token, map[string]string{"state": "paid"})

	second := w.place(1, nil)
	if second.Status != 201 {
		t.Fatalf("second order = %d %s", second.Status, second.Body)
	}
	for _, who := range []account{w.sup, w.dist} {
		var page struct {
			Items []orderReply
			Next  string
		}
		n.must(200, "GET", "/v1/orders?limit=1", who.Token, nil).decode(t, &page)
		if len(page.Items) != 1 || page.Next == "" {
			t.Fatalf("first page = %+v", page)
		}
		before := page.Next
		page.Items, page.Next = nil, "" // decoding keeps fields the JSON omits
		n.must(200, "GET", "/v1/orders?limit=1&before="+before, who.Token, nil).decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != o.ID || page.Next != "" {
			t.Fatalf("second page = %+v; want the delivered order and no more", page)
		}
		page.Items, page.Next = nil, ""
		n.must(200, "GET", "/v1/orders?state=delivered", who.Token, nil).decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].State != "delivered" {
			t.Fatalf("delivered filter = %+v", page)
		}
	}
	n.mustError(400, "invalid", "GET", "/v1/orders?state=lost", w.dist.Token, nil)
	var shares struct {
		Items []struct{ Orders, Sales int64 }
	}
	n.must(200, "GET", "/v1/shares", w.dist.Token, nil).decode(t, &shares)
	if shares.Items[0].Orders != 1 || shares.Items[0].Sales != 3*9900 {
		t.Fatalf("share figures = %+v; want 1 order, sales 29700", shares.Items[0])
	}
	var as struct{ ID, State string }
	n.must(201, "POST", "/v1/orders/"+o.ID+"/aftersales", w.dist.Token, map[string]any{"kind": "return_refund",
		"lines": []map[string]int{{"line": 1, "qty": 1}}, "reason": "wrong size"}).decode(t, &as)
	n.mustError(400, "invalid", "POST", "/v1/orders/"+o.ID+"/aftersales", w.dist.Token, map[string]any{"kind": "refund",
		"lines": []map[string]int{{"line": 1, "qty": 1}}, "reason": "r", "amount": 999999})
	n.must(200, "POST", "/v1/aftersales/"+as.ID+"/approve", w.sup.Token, nil)
	n.must(200, "POST", "/v1/aftersales/"+as.ID+"/return", w.dist.Token, map[string]string{"carrier": "SF", "tracking_number": "R1"})
	n.must(200, "POST", "/v1/aftersales/"+as.ID+"/receive", w.sup.Token, nil)
	n.must(200, "POST", "/v1/aftersales/"+as.ID+"/refund", w.sup.Token, nil).decode(t, &as)
	if as.State != "refunded" {
		t.Fatalf("after-sale = %s", as.State)
	}
}

// TestAPI_Orders_LastPieces ensures that concurrent orders over HTTP for
// the last pieces of a card reserve exactly what there is.
func TestAPI_Orders_LastPieces(t *testing.T) {
	n := startNode(t, t.TempDir())
	w := newOrderWorld(t, n, "last", map[string]any{"stock": 4})
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.place(1, nil)
			mu.Lock()
			codes[r.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[201] != 4 || codes[409] != 6 {
		t.Fatalf("statuses = %v; want 4 × 201 and 6 × 409", codes)
	}
	var c cardReply
	n.must(200, "GET", "/v1/cards/"+w.card.ID, w.dist.Token, nil).decode(t, &c)
	if !c.SoldOut {
		t.Fatal("the card is not sold out after its last piece")
	}
}

// TestAPI_Orders_ServerMovesSurviveRestart ensures that the server's own
// move (cancelling an order left unanswered for 48 hours) happens after a
// restart, driven by the persisted due time and the node's clock.
func TestAPI_Orders_ServerMovesSurviveRestart(t *testing.T) {
	data := t.TempDir()
	clock := &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	opts := func(c *serveConfig) { c.clock, c.sweepEvery = clock.Now, 20*time.Millisecond }
	n := startNode(t, data, opts)
	w := newOrderWorld(t, n, "due", map[string]any{"stock": 1})
	var o orderReply
	w.place(1, nil).decode(t, &o)
	n.Stop()
	clock.Set(clock.Now().Add(48 * time.Hour))
	again := startNode(t, data, opts)
	deadline := time.Now().Add(10 * time.Second)
	for {
		again.must(200, "GET", "/v1/orders/"+o.ID, w.dist.Token, nil).decode(t, &o)
		if o.State == "cancelled" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("48 h after an unanswered order it is still %s", o.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if o.Reason != "supplier_timeout" {
		t.Fatalf("reason = %q", o.Reason)
	}
	var c cardReply
	again.must(200, "GET", "/v1/cards/"+w.card.ID, w.dist.Token, nil).decode(t, &c)
	if c.SoldOut {
		t.Fatal("the cancelled order's piece did not come back")
	}
}

// TestAPI_Orders_RetriedWrites ensures that an order retried with its
// Idempotency-Key is placed once (same answer, one stock reservation), that
// a retry under a new key is caught by out_order_id, and that a retried
// shipment or move is harmless.
func TestAPI_Orders_RetriedWrites(t *testing.T) {
	n := startNode(t, t.TempDir())
	w := newOrderWorld(t, n, "retry", map[string]any{"stock": 3})
	body := map[string]any{"lines": []map[string]any{{"card_id": w.card.ID, "qty": 1}}, "consignee": testConsignee, "out_order_id": "WX-7"}
	first := n.must(201, "POST", "/v1/orders", w.dist.Token, body, "Idempotency-Key", "order-7")
	again := n.must(201, "POST", "/v1/orders", w.dist.Token, body, "Idempotency-Key", "order-7")
	if string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry answered %s; want the first answer", again.Body)
	}
	n.mustError(409, "conflict", "POST", "/v1/orders", w.dist.Token, body, "Idempotency-Key", "order-7-new-key")
	var o orderReply
	first.decode(t, &o)
	var c struct{ Stock int }
	n.must(200, "GET", "/v1/cards/"+w.card.ID, w.dist.Token, nil).decode(t, &c)
	if c.Stock != 2 {
		t.Fatalf("stock after one order retried twice = %d; want 2", c.Stock)
	}
	n.must(200, "POST", "/v1/orders/"+o.ID+"/accept", w.sup.Token, nil, "Idempotency-Key", "acc-1")
	n.must(200, "POST", "/v1/orders/"+o.ID+"/accept", w.sup.Token, nil, "Idempotency-Key", "acc-1")
	var list struct{ Items []orderReply }
	n.must(200, "GET", "/v1/orders", w.dist.Token, nil).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].State != "accepted" || list.Items[0].Version != 2 {
		t.Fatalf("orders = %+v; want one, accepted once (version 2)", list.Items)
	}
}

// TestAPI_SupplierStream_FollowRequested ensures that a supplier with the
// approval policy gets follow.requested in its event log and live on its
// own websocket when a distributor asks to follow.
func TestAPI_SupplierStream_FollowRequested(t *testing.T) {
	n := startNode(t, t.TempDir())
	sup, d := n.signUp("supplier", "req_sup"), n.signUp("distributor", "req_dist")
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]string{"follow_policy": "approval"})
	var ev struct{ Cursor string }
	n.must(200, "GET", "/v1/feed/events", sup.Token, nil).decode(t, &ev)
	live := dialLive(t, n, sup.Token, ev.Cursor)
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", d.Token, nil)
	frame := live.waitFor(t, `"follow.requested"`)
	if !strings.Contains(frame, d.ID) || !strings.Contains(frame, `"pending"`) {
		t.Fatalf("follow.requested frame = %s", frame)
	}
	events := string(n.must(200, "GET", "/v1/feed/events?after="+ev.Cursor, sup.Token, nil).Body)
	if !strings.Contains(events, `"follow.requested"`) {
		t.Fatalf("the supplier's events lack follow.requested: %s", events)
	}
}

// TestAPI_Orders_DeliveryAndCompletionSurviveRestarts ensures the other
// server moves happen across restarts too: a shipped order is delivered 10
// days after its shipment and completed when its after-sales window ends,
// each time on a node started after the clock moved.
func TestAPI_Orders_DeliveryAndCompletionSurviveRestarts(t *testing.T) {
	data := t.TempDir()
	clock := &fakeClock{now: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	opts := func(c *serveConfig) { c.clock, c.sweepEvery = clock.Now, 20*time.Millisecond }
	n := startNode(t, data, opts)
	w := newOrderWorld(t, n, "later", nil)
	var o orderReply
	w.place(1, nil).decode(t, &o)
	n.must(200, "POST", "/v1/orders/"+o.ID+"/accept", w.sup.Token, nil)
	n.must(201, "POST", "/v1/orders/"+o.ID+"/shipments", w.sup.Token, map[string]string{"carrier": "SF", "tracking_number": "R-1"})
	for _, step := range []struct {
		after time.Duration
		state string
	}{{10 * 24 * time.Hour, "delivered"}, {7 * 24 * time.Hour, "completed"}} {
		n.Stop()
		clock.Set(clock.Now().Add(step.after))
		n = startNode(t, data, opts)
		waitState(t, n, w.dist, o.ID, step.state)
	}
}
