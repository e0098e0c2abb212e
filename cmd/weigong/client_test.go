package main

import (
	"bytes"
	"context"
	"errors"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog/wire"
	"github.com/weigong/weigong/feed/client"
)

func ptr[T any](v T) *T { return &v }

// TestClient_TypedCalls drives a real server through the Go client with
// strict decoding, so every reply field must be known to the wire types:
// accounts, images, cards (Idempotency-Key and If-Match), follows, feed,
// events, shares, orders and their moves, after-sales, keys and webhooks,
// and errors carrying the API's code.
func TestClient_TypedCalls(t *testing.T) {
	n := startNode(t, t.TempDir(), allowPrivateWebhooks)
	ctx := context.Background()
	anon := client.New(n.URL, "").WithStrictDecoding()

	supSession, err := anon.SignUp(ctx, wire.SignUp{Role: "supplier", Handle: "cl_sup", Password: "password123"})
	if err != nil {
		t.Fatal(err)
	}
	sup := anon.WithToken(supSession.Token)
	distSession, err := anon.SignUp(ctx, wire.SignUp{Role: "distributor", Handle: "cl_dist", Password: "password123"})
	if err != nil {
		t.Fatal(err)
	}
	dist := anon.WithToken(distSession.Token)
	if _, err := anon.SignIn(ctx, "cl_dist", "password123"); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.UpdateMe(ctx, wire.ProfilePatch{Levels: &[]string{"standard", "gold"}}); err != nil {
		t.Fatal(err)
	}
	me, err := sup.Me(ctx)
	if err != nil || me.SupplierFields == nil || len(me.Levels) != 2 {
		t.Fatalf("Me: %+v, %v", me, err)
	}

	img, err := sup.UploadImage(ctx, "p.jpg", bytes.NewReader(solidJPEG(t, 320, 240, color.RGBA{9, 9, 200, 255})))
	if err != nil {
		t.Fatal(err)
	}
	in := wire.CardInput{Title: ptr("Client scarf"), ImageIDs: &[]string{img.ID}, CostPrice: ptr(int64(4800)),
		RetailPrice: ptr(int64(12800)), LevelPrices: &map[string]int64{"gold": 4000}}
	card, err := sup.CreateCard(ctx, in, client.IdempotencyKey("card-1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := sup.CreateCard(ctx, in, client.IdempotencyKey("card-1"))
	if err != nil || again.ID != card.ID {
		t.Fatalf("the same Idempotency-Key made %s then %s (%v)", card.ID, again.ID, err)
	}
	_, err = sup.UpdateCard(ctx, card.ID, wire.CardInput{Title: ptr("x")}, client.IfMatch(card.Version+5))
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.Code != wire.PreconditionFailed || apiErr.Status != 412 {
		t.Fatalf("a stale If-Match: %v", err)
	}
	if _, err := dist.Card(ctx, "00000000-0000-7000-8000-000000000000"); !client.IsCode(err, wire.NotFound) {
		t.Fatalf("an unknown card: %v", err)
	}

	_, cursor, err := dist.Events(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if state, err := dist.Follow(ctx, supSession.Account.ID); err != nil || state != "active" {
		t.Fatalf("Follow: %q, %v", state, err)
	}
	if _, err := sup.UpdateFollower(ctx, distSession.Account.ID, wire.FollowerPatch{Level: ptr("gold")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.UpdateCard(ctx, card.ID, wire.CardInput{Title: ptr("Client scarf, new")}, client.IfMatch(card.Version)); err != nil {
		t.Fatal(err)
	}
	feed, err := dist.Feed(ctx, client.Page{Limit: 5})
	if err != nil || len(feed.Items) != 1 || feed.Items[0].Prices == nil || feed.Items[0].Prices.Cost != 4000 {
		t.Fatalf("Feed: %+v, %v", feed, err)
	}
	events, _, err := dist.Events(ctx, cursor, 10)
	if err != nil || len(events) < 2 {
		t.Fatalf("Events: %+v, %v", events, err)
	}
	if following, err := dist.Following(ctx); err != nil || len(following) != 1 {
		t.Fatalf("Following: %+v, %v", following, err)
	}
	if followers, err := sup.Followers(ctx, "active", client.Page{}); err != nil || len(followers.Items) != 1 {
		t.Fatalf("Followers: %+v, %v", followers, err)
	}
	if _, err := dist.SupplierCards(ctx, supSession.Account.ID, client.Page{}); err != nil {
		t.Fatal(err)
	}
	if _, err := dist.Supplier(ctx, "cl_sup"); err != nil {
		t.Fatal(err)
	}

	share, err := dist.CreateShare(ctx, wire.ShareInput{CardID: card.ID, Price: ptr(int64(15800))})
	if err != nil {
		t.Fatal(err)
	}
	if shares, err := dist.Shares(ctx, client.Page{}); err != nil || len(shares.Items) != 1 {
		t.Fatalf("Shares: %+v, %v", shares, err)
	}
	// The public share is what a page on another origin embeds: the
	// distributor's price, never a cost, with absolute photo URLs.
	public, err := dist.PublicShare(ctx, share.ID)
	if err != nil || public.Price != 15800 || public.Card.ID != card.ID || public.Card.Prices != nil ||
		public.Card.CostPrice != nil || len(public.Card.Images) != 1 || public.Distributor.Handle != "cl_dist" {
		t.Fatalf("PublicShare: %+v, %v", public, err)
	}
	if u := public.Card.Images[0].URLs["display"]; !strings.HasPrefix(u, n.URL+"/") {
		t.Fatalf("PublicShare: a photo URL %q is not absolute on %s", u, n.URL)
	}
	if _, err := anon.PublicShare(ctx, "AAAAAAAAAAAAAAAAAAAAAA"); !client.IsCode(err, wire.NotFound) {
		t.Fatalf("PublicShare of no share: %v", err)
	}
	order, err := dist.PlaceOrder(ctx, wire.OrderInput{Lines: []wire.OrderLineInput{{CardID: card.ID, Qty: 2}},
		Consignee: wire.Consignee{Name: "李四", Phone: "13700002222", Province: "广东省", City: "深圳市", District: "南山区",
			Address: "科技园 1 号"}, ShareID: share.ID}, client.IdempotencyKey("order-1"))
	if err != nil || order.Total != 8000 {
		t.Fatalf("PlaceOrder: %+v, %v", order, err)
	}
	if order, err = sup.MoveOrder(ctx, order.ID, "accept", nil, client.IfMatch(order.Version)); err != nil || order.State != "accepted" {
		t.Fatalf("accept: %+v, %v", order, err)
	}
	if _, err := sup.MoveOrder(ctx, order.ID, "accept", nil); !client.IsCode(err, wire.Conflict) {
		t.Fatalf("accepting twice: %v", err)
	}
	if order, err = sup.Ship(ctx, order.ID, wire.ShipmentInput{Carrier: "SF", TrackingNumber: "SF1"}); err != nil || order.State != "shipped" {
		t.Fatalf("ship: %+v, %v", order, err)
	}
	if _, err := dist.Order(ctx, order.ID); err != nil {
		t.Fatal(err)
	}
	if orders, err := sup.Orders(ctx, "", client.Page{}); err != nil || len(orders.Items) != 1 {
		t.Fatalf("Orders: %+v, %v", orders, err)
	}
	as, err := dist.OpenAfterSale(ctx, order.ID, wire.AfterSaleInput{Kind: "refund", Lines: []wire.ShipmentLine{{Line: 1, Qty: 1}}, Reason: "broken"})
	if err != nil {
		t.Fatal(err)
	}
	if as, err = sup.MoveAfterSale(ctx, as.ID, "approve", nil); err != nil || as.State != "approved" {
		t.Fatalf("approve: %+v, %v", as, err)
	}
	if list, err := dist.AfterSales(ctx, "", client.Page{}); err != nil || len(list.Items) != 1 {
		t.Fatalf("AfterSales: %+v, %v", list, err)
	}
	if _, err := dist.AfterSale(ctx, as.ID); err != nil {
		t.Fatal(err)
	}
	// Metrics are public: anyone may ask, by handle; below 20 orders due
	// every rate is null.
	metrics, err := anon.SupplierMetrics(ctx, "cl_sup")
	if err != nil || metrics.WindowDays != 90 || metrics.OnTimeShipRate != nil || metrics.CancelRate != nil ||
		metrics.Badges == nil || metrics.ComputedAt.IsZero() {
		t.Fatalf("SupplierMetrics: %+v, %v", metrics, err)
	}
	if _, err := anon.SupplierMetrics(ctx, "no_such_supplier"); !client.IsCode(err, wire.NotFound) {
		t.Fatalf("SupplierMetrics of no supplier: %v", err)
	}

	key, err := dist.CreateKey(ctx, "client test", "feed:read", "webhooks:manage")
	if err != nil {
		t.Fatal(err)
	}
	app := anon.WithToken(key.Key)
	if _, err := app.CreateKey(ctx, "nope", "feed:read"); !client.IsCode(err, wire.Forbidden) {
		t.Fatalf("a key making a key: %v", err)
	}
	if keys, err := dist.Keys(ctx); err != nil || len(keys) != 1 {
		t.Fatalf("Keys: %+v, %v", keys, err)
	}
	rec := newHookReceiver(t)
	hook, err := app.CreateWebhook(ctx, wire.WebhookInput{URL: ptr(rec.URL), Events: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	rec.secret = hook.Secret
	rec.mu.Unlock()
	if _, err := app.PingWebhook(ctx, hook.ID); err != nil {
		t.Fatal(err)
	}
	msgs := rec.waitFor("ping")
	msg, err := client.VerifyWebhook(hook.Secret, msgs[0].Header, msgs[0].Body, time.Now())
	if err != nil || msg.Type != "ping" {
		t.Fatalf("the client's verifier on the server's ping: %+v, %v", msg, err)
	}
	if _, err := client.VerifyWebhook(hook.Secret, msgs[0].Header, append(msgs[0].Body, ' '), time.Now()); err == nil {
		t.Fatal("the client's verifier accepts a changed body")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		log, err := app.Deliveries(ctx, hook.ID, client.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(log.Items) == 1 && log.Items[0].State == "succeeded" {
			if _, err := app.RetryDelivery(ctx, hook.ID, log.Items[0].ID); err != nil {
				t.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery log: %+v", log)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if hooks, err := app.Webhooks(ctx); err != nil || len(hooks) != 1 {
		t.Fatalf("Webhooks: %+v, %v", hooks, err)
	}
	if _, err := app.UpdateWebhook(ctx, hook.ID, wire.WebhookInput{Enabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if err := app.DeleteWebhook(ctx, hook.ID); err != nil {
		t.Fatal(err)
	}
	if err := dist.DeleteKey(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Me(ctx); !client.IsCode(err, wire.Unauthorized) {
		t.Fatalf("a revoked key: %v", err)
	}
	if err := dist.DeleteShare(ctx, share.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := anon.PublicShare(ctx, share.ID); !client.IsCode(err, wire.NotFound) {
		t.Fatalf("PublicShare of a deleted share: %v", err)
	}
	if err := sup.WithdrawCard(ctx, card.ID); err != nil {
		t.Fatal(err)
	}
	if err := dist.Unfollow(ctx, supSession.Account.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := dist.Ticket(ctx); err != nil {
		t.Fatal(err)
	}
	if err := dist.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
}
