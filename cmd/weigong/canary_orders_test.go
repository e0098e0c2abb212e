package main

import (
	"image/color"
	"strings"
	"testing"
	"time"
)

// Sentinel consignee fields that appear nowhere else: an end buyer's
// name, phone and street. They may appear whole only in GET
// /v1/orders/{id}, to the order's two parties.
const (
	sentinelBuyer  = "欧阳金丝雀"
	sentinelPhone  = "19987654321"
	sentinelStreet = "金丝雀路 77 号"
)

// TestCanary_ConsigneeStaysPrivate ensures that a consignee's name, phone
// and street reach no response, websocket frame, page, error or log line,
// except the order's detail for its two parties, where they must be whole
// (so the test can fail).
func TestCanary_ConsigneeStaysPrivate(t *testing.T) {
	n := startNode(t, t.TempDir())
	sup, dist := n.signUp("supplier", "pii_sup"), n.signUp("distributor", "pii_dist")
	stranger, other := n.signUp("distributor", "pii_stranger"), n.signUp("supplier", "pii_other")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	img := n.uploadImage(sup.Token, color.RGBA{30, 200, 30, 255})
	card := n.createCard(sup.Token, map[string]any{"stock": 5}, img)
	var sh struct{ ID string }
	n.must(201, "POST", "/v1/shares", dist.Token, map[string]any{"card_id": card.ID}).decode(t, &sh)
	cursors := map[string]string{}
	for name, a := range map[string]account{"supplier": sup, "distributor": dist} {
		var ev struct{ Cursor string }
		n.must(200, "GET", "/v1/feed/events", a.Token, nil).decode(t, &ev)
		cursors[name] = ev.Cursor
	}
	consignee := map[string]string{"name": sentinelBuyer, "phone": sentinelPhone, "province": "浙江省",
		"city": "杭州市", "district": "西湖区", "address": sentinelStreet}
	var replies []string
	place := n.must(201, "POST", "/v1/orders", dist.Token, map[string]any{"lines": []map[string]any{{"card_id": card.ID, "qty": 1}},
		"consignee": consignee, "share_id": sh.ID, "note": "gift"})
	replies = append(replies, place.all())
	var order struct{ ID string }
	place.decode(t, &order)
	// A refused order quoting the sentinels in its fields must not echo them.
	bad := map[string]string{"name": sentinelBuyer, "phone": sentinelPhone + "x", "province": "p", "city": "c",
		"district": "d", "address": sentinelStreet}
	replies = append(replies, n.do("POST", "/v1/orders", dist.Token, map[string]any{
		"lines": []map[string]any{{"card_id": card.ID, "qty": 1}}, "consignee": bad}).all())
	for _, m := range [][3]string{{"POST", "/accept", ""}, {"POST", "/shipments", `{"carrier":"SF","tracking_number":"SF1"}`}} {
		replies = append(replies, n.must(map[string]int{"/accept": 200, "/shipments": 201}[m[1]], m[0], "/v1/orders/"+order.ID+m[1], sup.Token, m[2]).all())
	}

	viewers := map[string]account{"supplier": sup, "distributor": dist, "stranger": stranger, "other_supplier": other, "anonymous": {}}
	paths := []string{"/v1/orders", "/v1/orders?state=shipped", "/v1/orders/" + order.ID, "/v1/aftersales",
		"/v1/shares", "/v1/feed", "/v1/me", "/s/" + sh.ID, "/c/" + sup.Handle, "/v1/cards/" + card.ID,
		"/v1/orders/" + order.ID + "/receive", "/v1/orders/" + order.ID + "/accept"}
	sawWhole := map[string]bool{}
	for kind, v := range viewers {
		for _, p := range paths {
			method := "GET"
			if strings.HasSuffix(p, "/receive") || strings.HasSuffix(p, "/accept") {
				method = "POST"
			}
			got := n.do(method, p, v.Token, nil).all()
			detail := method == "GET" && p == "/v1/orders/"+order.ID && (kind == "supplier" || kind == "distributor")
			if detail {
				sawWhole[kind] = strings.Contains(got, sentinelBuyer) && strings.Contains(got, sentinelPhone) && strings.Contains(got, sentinelStreet)
				continue
			}
			checkConsignee(t, kind+" "+method+" "+p, got)
		}
	}
	for _, kind := range []string{"supplier", "distributor"} {
		if !sawWhole[kind] {
			t.Errorf("the %s's order detail lacks the whole consignee", kind)
		}
	}
	for i, r := range replies {
		checkConsignee(t, "write reply "+string(rune('0'+i)), r)
	}
	for kind, c := range cursors {
		a := viewers[kind]
		events := string(n.must(200, "GET", "/v1/feed/events?after="+c, a.Token, nil).Body)
		if !strings.Contains(events, `"order.submitted"`) || !strings.Contains(events, "199****4321") {
			t.Errorf("the %s's events lack the masked order.submitted: %.500s", kind, events)
		}
		checkConsignee(t, kind+" events", events)
		frames := strings.Join(n.streamFrames(t, a.Token, c, 0, nil, nil), "\n")
		if !strings.Contains(frames, `"order.updated"`) {
			t.Errorf("the %s's stream lacks order.updated: %.500s", kind, frames)
		}
		checkConsignee(t, kind+" stream", frames)
	}
	time.Sleep(50 * time.Millisecond)
	checkConsignee(t, "server log", n.Log.String())
}

func checkConsignee(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{sentinelBuyer, sentinelPhone, sentinelStreet} {
		if strings.Contains(text, s) {
			t.Errorf("%s shows the consignee's %q:\n%.1500s", what, s, text)
		}
	}
}
