package main

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// TestCanary_WebhookBodies ensures a webhook body carries the event as its
// owner's stream does, at the owner's level: the gold follower's body has
// the gold price and never the standard cost, the standard follower's the
// reverse, and pending, blocked and unrelated distributors' webhooks get
// no card at all. Every body is signed (checked by a verifier written from
// the spec).
func TestCanary_WebhookBodies(t *testing.T) {
	n := startNode(t, t.TempDir(), allowPrivateWebhooks)
	sup := n.signUp("supplier", "hook_sup")
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]any{"levels": []string{"standard", "gold"}})
	kinds := []string{"standard", "gold", "blocked", "pending", "stranger"}
	viewers := map[string]account{}
	receivers := map[string]*hookReceiver{}
	follow := "/v1/suppliers/" + sup.ID + "/follow"
	for _, kind := range kinds {
		viewers[kind] = n.signUp("distributor", "hook_"+kind)
		receivers[kind] = newHookReceiver(t)
		receivers[kind].register(n, viewers[kind].Token, "card.*")
	}
	for _, kind := range []string{"standard", "gold", "blocked"} {
		n.must(200, "PUT", follow, viewers[kind].Token, nil)
	}
	n.must(200, "PATCH", "/v1/me/followers/"+viewers["gold"].ID, sup.Token, map[string]string{"level": "gold"})
	n.must(200, "PATCH", "/v1/me/followers/"+viewers["blocked"].ID, sup.Token, map[string]string{"state": "blocked"})
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]string{"follow_policy": "approval"})
	n.must(200, "PUT", follow, viewers["pending"].Token, nil)

	img := n.uploadImage(sup.Token, color.RGBA{10, 120, 30, 255})
	var card struct{ ID string }
	n.must(201, "POST", "/v1/cards", sup.Token, map[string]any{"title": "Hook scarf", "image_ids": []string{img},
		"cost_price": sentinelCost, "retail_price": 1999999, "level_prices": map[string]int{"gold": sentinelGold}}).decode(t, &card)
	n.must(200, "PATCH", "/v1/cards/"+card.ID, sup.Token, map[string]any{"title": "Hook scarf, new"})

	gold := receivers["gold"].waitFor("card.updated")
	standard := receivers["standard"].waitFor("card.updated")
	check := func(kind string, got []hookMessage, has, hasNot int) {
		published := 0
		for _, m := range got {
			body := string(m.Body)
			if m.Type == "card.published" {
				published++
			}
			if !strings.Contains(body, fmt.Sprint(has)) || strings.Contains(body, fmt.Sprint(hasNot)) {
				t.Errorf("%s's %s webhook: want %d and not %d in %s", kind, m.Type, has, hasNot, body)
			}
			if !strings.Contains(body, `"data":{"type":"`+m.Type+`","cursor":"`) || !strings.Contains(body, card.ID) {
				t.Errorf("%s's webhook data is not the stream's event: %s", kind, body)
			}
		}
		if published != 1 {
			t.Errorf("%s got %d card.published webhooks, want 1", kind, published)
		}
	}
	check("gold", gold, sentinelGold, sentinelCost)
	check("standard", standard, sentinelCost, sentinelGold)

	// The others' webhooks would have had the card by now: the followers'
	// arrived, and all go out through the same queue.
	time.Sleep(200 * time.Millisecond)
	for _, kind := range []string{"blocked", "pending", "stranger"} {
		for _, m := range receivers[kind].messages() {
			if strings.Contains(string(m.Body), card.ID) || strings.Contains(string(m.Body), fmt.Sprint(sentinelCost)) {
				t.Errorf("%s's webhook got %s", kind, m.Body)
			}
		}
	}
}

// TestAPI_Webhooks_PrivateURLsRefused ensures that, without
// --allow-private-webhooks, URLs naming or resolving to the server's own
// network are refused when a webhook is created or changed.
func TestAPI_Webhooks_PrivateURLsRefused(t *testing.T) {
	n := startNode(t, t.TempDir())
	d := n.signUp("distributor", "ssrf_dist")
	for _, u := range []string{"http://127.0.0.1:8080/", "http://localhost/", "http://[::1]/", "http://10.0.0.8/",
		"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/",
		"http://0.0.0.0/", "http://192.168.0.1/", "http://[fd00::1]/", "file:///etc/passwd", "gopher://x/"} {
		r := n.do("POST", "/v1/webhooks", d.Token, map[string]any{"url": u, "events": []string{"*"}})
		if r.Status != 400 {
			t.Errorf("POST /v1/webhooks %s = %d %s, want 400", u, r.Status, r.Body)
		}
	}
	n.must(400, "POST", "/v1/webhooks", d.Token, map[string]any{"url": "https://example.com/", "events": []string{"nope.*"}})
}

// TestAPI_Webhooks_LogRetryPing covers the management endpoints: the
// secret is shown once, a ping is delivered signed and logged with its
// attempt, a failed delivery can be retried by hand, and another account
// cannot see or touch the webhook.
func TestAPI_Webhooks_LogRetryPing(t *testing.T) {
	n := startNode(t, t.TempDir(), allowPrivateWebhooks)
	d := n.signUp("distributor", "log_dist")
	rec := newHookReceiver(t)
	id := rec.register(n, d.Token, "order.*")
	list := n.must(200, "GET", "/v1/webhooks", d.Token, nil)
	if strings.Contains(string(list.Body), "whsec_") {
		t.Fatalf("GET /v1/webhooks shows the secret: %s", list.Body)
	}
	rec.mu.Lock()
	rec.status = 500
	rec.mu.Unlock()
	n.must(202, "POST", "/v1/webhooks/"+id+"/ping", d.Token, nil)
	rec.waitFor("ping")
	type delivery struct {
		ID, State string
		Attempts  []struct {
			Status int
			Error  string
		}
	}
	var page struct{ Items []delivery }
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		n.must(200, "GET", "/v1/webhooks/"+id+"/deliveries", d.Token, nil).decode(t, &page)
		if len(page.Items) == 1 && len(page.Items[0].Attempts) == 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(page.Items) != 1 || len(page.Items[0].Attempts) != 1 || page.Items[0].Attempts[0].Status != 500 || page.Items[0].State != "pending" {
		t.Fatalf("delivery log: %+v", page.Items)
	}
	rec.mu.Lock()
	rec.status = 200
	rec.mu.Unlock()
	n.must(200, "POST", "/v1/webhooks/"+id+"/deliveries/"+page.Items[0].ID+"/retry", d.Token, nil)
	deadline = time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && (len(page.Items) == 0 || page.Items[0].State != "succeeded") {
		time.Sleep(10 * time.Millisecond)
		n.must(200, "GET", "/v1/webhooks/"+id+"/deliveries", d.Token, nil).decode(t, &page)
	}
	if page.Items[0].State != "succeeded" || len(page.Items[0].Attempts) != 2 {
		t.Fatalf("after a manual retry: %+v", page.Items[0])
	}
	msgs := rec.messages()
	if len(msgs) != 2 || msgs[0].ID != msgs[1].ID {
		t.Fatalf("a retry must carry the same webhook-id: %+v", msgs)
	}

	other := n.signUp("distributor", "log_other")
	n.must(404, "GET", "/v1/webhooks/"+id+"/deliveries", other.Token, nil)
	n.must(404, "POST", "/v1/webhooks/"+id+"/ping", other.Token, nil)
	n.must(404, "DELETE", "/v1/webhooks/"+id, other.Token, nil)
	n.must(200, "PATCH", "/v1/webhooks/"+id, d.Token, map[string]any{"enabled": false})
	n.must(409, "POST", "/v1/webhooks/"+id+"/ping", d.Token, nil)
	n.must(204, "DELETE", "/v1/webhooks/"+id, d.Token, nil)
	n.must(404, "GET", "/v1/webhooks/"+id+"/deliveries", d.Token, nil)
}

// TestAPI_Webhooks_ChangeCommittedWhileDownIsDelivered ensures the other
// window of a crash: a change committed to the log that no tailer handed
// on before the process ended (here written straight to the database
// while the node is down) becomes a delivery when the node starts again,
// from the webhook tailer's durable cursor.
func TestAPI_Webhooks_ChangeCommittedWhileDownIsDelivered(t *testing.T) {
	data := t.TempDir()
	n := startNode(t, data, allowPrivateWebhooks)
	sup := n.signUp("supplier", "down_sup")
	dist := n.signUp("distributor", "down_dist")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	rec := newHookReceiver(t)
	rec.register(n, dist.Token, "card.updated")
	card := n.createCard(sup.Token, map[string]any{"title": "while down"}, n.uploadImage(sup.Token, color.RGBA{1, 2, 3, 255}))
	n.Stop()

	db := openDataStore(t, data)
	err := db.Update(context.Background(), func(tx catalog.Tx) error {
		c, err := tx.Card(card.ID)
		if err != nil {
			return err
		}
		c.Title = "changed while down"
		_, err = tx.SaveCard(c, catalog.CardUpdated)
		return err
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.messages()) != 0 {
		t.Fatalf("a webhook went out before the restart: %s", rec.messages()[0].Body)
	}

	startNode(t, data, allowPrivateWebhooks)
	got := rec.waitFor("card.updated")
	if len(got) != 1 || !strings.Contains(string(got[0].Body), "changed while down") {
		t.Fatalf("after the restart: %+v", got)
	}
}

// TestCanary_WebhookOrdersMaskConsignee ensures both parties' webhooks get
// an order's events, with the consignee masked as in every event: the
// end buyer's name, phone and street never reach a webhook body.
func TestCanary_WebhookOrdersMaskConsignee(t *testing.T) {
	n := startNode(t, t.TempDir(), allowPrivateWebhooks)
	sup, dist := n.signUp("supplier", "hookpii_sup"), n.signUp("distributor", "hookpii_dist")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	supHook, distHook := newHookReceiver(t), newHookReceiver(t)
	supHook.register(n, sup.Token, "order.*", "follow.requested")
	distHook.register(n, dist.Token, "order.*")
	card := n.createCard(sup.Token, map[string]any{"stock": 5}, n.uploadImage(sup.Token, color.RGBA{3, 3, 3, 255}))
	var order struct{ ID string }
	n.must(201, "POST", "/v1/orders", dist.Token, map[string]any{"lines": []map[string]any{{"card_id": card.ID, "qty": 1}},
		"consignee": map[string]string{"name": sentinelBuyer, "phone": sentinelPhone, "province": "浙江省",
			"city": "杭州市", "district": "西湖区", "address": sentinelStreet}}).decode(t, &order)
	n.must(200, "POST", "/v1/orders/"+order.ID+"/accept", sup.Token, nil)
	for name, rec := range map[string]*hookReceiver{"supplier": supHook, "distributor": distHook} {
		rec.waitFor("order.submitted")
		got := rec.waitFor("order.updated")
		for _, m := range got {
			body := string(m.Body)
			if !strings.Contains(body, order.ID) {
				t.Errorf("%s's %s webhook does not name the order: %s", name, m.Type, body)
			}
			for _, secret := range []string{sentinelBuyer, sentinelPhone, sentinelStreet} {
				if strings.Contains(body, secret) {
					t.Errorf("%s's %s webhook carries %q: %s", name, m.Type, secret, body)
				}
			}
		}
	}
}

// TestAPI_Webhooks_PingsAreRateLimited ensures no account can make the
// server send more than 60 pings and retries a minute to a URL of its
// choosing.
func TestAPI_Webhooks_PingsAreRateLimited(t *testing.T) {
	n := startNode(t, t.TempDir(), allowPrivateWebhooks, func(cfg *serveConfig) { cfg.NoRateLimit = false })
	d := n.signUp("distributor", "ping_flood")
	rec := newHookReceiver(t)
	id := rec.register(n, d.Token, "*")
	for i := 0; i < 60; i++ {
		n.must(202, "POST", "/v1/webhooks/"+id+"/ping", d.Token, nil)
	}
	n.must(429, "POST", "/v1/webhooks/"+id+"/ping", d.Token, nil)
}
