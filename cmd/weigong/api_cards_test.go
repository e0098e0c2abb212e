package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	_ "image/jpeg"
	"strings"
	"testing"
)

// cardReply is the part of a Card the tests look at.
type cardReply struct {
	ID       string
	Version  int64
	Title    string
	SoldOut  bool `json:"sold_out"`
	Supplier struct{ ID, Handle string }
	Images   []struct {
		ID            string
		Width, Height int
		URLs          map[string]string
	}
	Prices *struct {
		Cost, Retail int64
		Floor        *int64
	}
	FloorPrice *int64 `json:"floor_price"`
}

type cardList struct {
	Items []cardReply
	Next  string
}

// createCard posts a card with the given images and returns it.
func (n *testNode) createCard(token string, fields map[string]any, images ...string) cardReply {
	n.t.Helper()
	body := map[string]any{"title": "Silk scarf", "description": "soft silk", "image_ids": images,
		"cost_price": 5000, "retail_price": 12800}
	for k, v := range fields {
		body[k] = v
	}
	var c cardReply
	n.must(201, "POST", "/v1/cards", token, body).decode(n.t, &c)
	return c
}

// pngHeader returns a PNG signature and IHDR claiming w×h, with no pixels.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	b.WriteString("garbage garbage garbage")
	return b.Bytes()
}

// TestAPI_Images_UploadAndServe ensures an uploaded JPEG answers 201 with its
// size and URLs, and its grid JPEG is served 360×360, immutable and nosniff.
func TestAPI_Images_UploadAndServe(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "img_sup")
	var img struct {
		ID            string
		Width, Height int
		URLs          map[string]string
	}
	n.must(201, "POST", "/v1/images", sup.Token, multipartFile("image", "p.jpg", solidJPEG(t, 1600, 1200, color.RGBA{10, 200, 10, 255}))).decode(t, &img)
	if img.ID == "" || img.Width != 1080 || img.Height != 810 {
		t.Errorf("upload reply = %+v, want a 1080×810 display image", img)
	}
	if img.URLs["grid"] == "" || img.URLs["display"] == "" {
		t.Fatalf("upload reply lacks urls: %+v", img.URLs)
	}
	r := n.must(200, "GET", "/media/"+img.ID+"/grid.jpg", "", nil)
	if ct := r.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("grid Content-Type = %q", ct)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("grid Cache-Control = %q", cc)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("grid lacks nosniff")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(r.Body))
	if err != nil || format != "jpeg" || cfg.Width != 360 || cfg.Height != 360 {
		t.Errorf("grid image = %s %d×%d (%v), want jpeg 360×360", format, cfg.Width, cfg.Height, err)
	}
	r = n.must(200, "GET", "/media/"+img.ID+"/display.jpg", "", nil)
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(r.Body)); err != nil || cfg.Width != 1080 || cfg.Height != 810 {
		t.Errorf("display image = %d×%d (%v)", cfg.Width, cfg.Height, err)
	}
}

// TestAPI_Images_Refused ensures non-images get 415, a huge PNG header 413,
// unknown media 404, and that a distributor's photo (after-sales evidence)
// can never go on a card.
func TestAPI_Images_Refused(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "img_sup")
	dist := n.signUp("distributor", "img_dist")
	n.mustError(415, "unsupported_media", "POST", "/v1/images", sup.Token, multipartFile("image", "a.txt", []byte("just some text, not a photo")))
	jpg := solidJPEG(t, 64, 64, color.RGBA{1, 2, 3, 255})
	n.mustError(415, "unsupported_media", "POST", "/v1/images", sup.Token, multipartFile("image", "cut.jpg", jpg[:len(jpg)/2]))
	n.mustError(413, "too_large", "POST", "/v1/images", sup.Token, multipartFile("image", "huge.png", pngHeader(60000, 60000)))
	var evidence struct{ ID string }
	n.must(201, "POST", "/v1/images", dist.Token, multipartFile("image", "p.jpg", jpg)).decode(t, &evidence)
	n.mustError(400, "invalid", "POST", "/v1/cards", sup.Token, map[string]any{"title": "t", "image_ids": []string{evidence.ID},
		"cost_price": 100, "retail_price": 200})
	n.mustError(401, "unauthorized", "POST", "/v1/images", "", multipartFile("image", "p.jpg", jpg))
	n.must(404, "GET", "/media/doesnotexist/grid.jpg", "", nil)
	id := n.uploadImage(sup.Token, color.RGBA{9, 9, 9, 255})
	n.must(404, "GET", "/media/"+id+"/original.jpg", "", nil)
}

// TestAPI_Cards_CreateRequiresSupplier ensures only suppliers create cards.
func TestAPI_Cards_CreateRequiresSupplier(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "card_sup")
	dist := n.signUp("distributor", "card_dist")
	img := n.uploadImage(sup.Token, color.RGBA{200, 0, 0, 255})
	body := map[string]any{"title": "x", "image_ids": []string{img}, "cost_price": 1, "retail_price": 2}
	n.mustError(403, "forbidden", "POST", "/v1/cards", dist.Token, body)
	n.mustError(401, "unauthorized", "POST", "/v1/cards", "", body)
	n.must(201, "POST", "/v1/cards", sup.Token, body)
}

// TestAPI_Cards_Validation ensures every malformed card is refused with 400
// (413 for an oversized body) and nothing is created.
func TestAPI_Cards_Validation(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "val_sup")
	other := n.signUp("supplier", "val_other")
	img := n.uploadImage(sup.Token, color.RGBA{200, 0, 0, 255})
	foreign := n.uploadImage(other.Token, color.RGBA{0, 200, 0, 255})
	// Ten IDs: the count is checked before ownership, so they need not exist.
	ten := []string{img}
	for i := 1; i < 10; i++ {
		ten = append(ten, fmt.Sprintf("img%d", i))
	}
	base := func(k string, v any) map[string]any {
		b := map[string]any{"title": "ok", "description": "d", "image_ids": []string{img}, "cost_price": 5000, "retail_price": 12800}
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	for name, body := range map[string]any{
		"no images":          base("image_ids", []string{}),
		"images missing":     base("image_ids", nil),
		"ten images":         base("image_ids", ten),
		"duplicate image":    base("image_ids", []string{img, img}),
		"someone else's":     base("image_ids", []string{foreign}),
		"unknown image":      base("image_ids", []string{"nosuchimage"}),
		"no title":           base("title", ""),
		"floor over retail":  base("floor_price", 12801),
		"unknown level":      base("level_prices", map[string]int{"gold": 4000}),
		"volume min_qty 1":   base("volume_prices", []map[string]int{{"min_qty": 1, "price": 4000}}),
		"volume not rising":  base("volume_prices", []map[string]int{{"min_qty": 10, "price": 4000}, {"min_qty": 5, "price": 3000}}),
		"volume price rises": base("volume_prices", []map[string]int{{"min_qty": 10, "price": 4000}, {"min_qty": 20, "price": 4500}}),
		"negative cost":      base("cost_price", -1),
		"cost wrong type":    base("cost_price", "5000"),
		"images wrong type":  base("image_ids", img),
		"not an object":      `[1,2,3]`,
		"trailing data":      `{"title":"ok"} {}`,
	} {
		t.Run(name, func(t *testing.T) {
			n.with(t).mustError(400, "invalid", "POST", "/v1/cards", sup.Token, body)
		})
	}
	big := base("description", strings.Repeat("x", 65<<10))
	n.mustError(413, "too_large", "POST", "/v1/cards", sup.Token, big)
	var list cardList
	n.must(200, "GET", "/v1/suppliers/"+sup.ID+"/cards", sup.Token, nil).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("refused cards were created: %d in the channel", len(list.Items))
	}
}

// TestAPI_Cards_IdempotencyKey ensures the same Idempotency-Key twice gives
// the same card and only one card in the channel.
func TestAPI_Cards_IdempotencyKey(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "idem_sup")
	img := n.uploadImage(sup.Token, color.RGBA{200, 0, 0, 255})
	body := map[string]any{"title": "once", "image_ids": []string{img}, "cost_price": 100, "retail_price": 200}
	var a, b, c cardReply
	n.must(201, "POST", "/v1/cards", sup.Token, body, "Idempotency-Key", "k-1").decode(t, &a)
	n.must(201, "POST", "/v1/cards", sup.Token, body, "Idempotency-Key", "k-1").decode(t, &b)
	if a.ID == "" || a.ID != b.ID {
		t.Errorf("same key gave cards %q and %q", a.ID, b.ID)
	}
	var list cardList
	n.must(200, "GET", "/v1/suppliers/"+sup.ID+"/cards", "", nil).decode(t, &list)
	if len(list.Items) != 1 {
		t.Errorf("channel has %d cards after a repeated key, want 1", len(list.Items))
	}
	n.must(201, "POST", "/v1/cards", sup.Token, body, "Idempotency-Key", "k-2").decode(t, &c)
	if c.ID == a.ID {
		t.Errorf("a new key replayed the old card")
	}
}

// TestAPI_Cards_PatchAndDelete ensures the owner can mark sold out and
// remove the floor with null, others get 403, and DELETE removes the card
// from GET and the channel.
func TestAPI_Cards_PatchAndDelete(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "patch_sup")
	other := n.signUp("supplier", "patch_other")
	dist := n.signUp("distributor", "patch_dist")
	img := n.uploadImage(sup.Token, color.RGBA{200, 0, 0, 255})
	card := n.createCard(sup.Token, map[string]any{"floor_price": 9000}, img)
	if card.FloorPrice == nil || *card.FloorPrice != 9000 {
		t.Fatalf("owner view floor_price = %v", card.FloorPrice)
	}
	path := "/v1/cards/" + card.ID
	var got cardReply
	n.must(200, "PATCH", path, sup.Token, `{"sold_out":true,"floor_price":null}`).decode(t, &got)
	if !got.SoldOut || got.FloorPrice != nil || got.Prices == nil || got.Prices.Floor != nil {
		t.Errorf("after patch: sold_out=%v floor=%v prices=%+v", got.SoldOut, got.FloorPrice, got.Prices)
	}
	n.must(200, "GET", path, sup.Token, nil).decode(t, &got)
	if !got.SoldOut || got.FloorPrice != nil {
		t.Errorf("re-read: sold_out=%v floor=%v", got.SoldOut, got.FloorPrice)
	}
	n.mustError(403, "forbidden", "PATCH", path, other.Token, `{"sold_out":false}`)
	n.mustError(403, "forbidden", "PATCH", path, dist.Token, `{"title":"mine now"}`)
	n.mustError(403, "forbidden", "DELETE", path, other.Token, nil)
	n.mustError(400, "invalid", "PATCH", path, sup.Token, `{"floor_price":999999}`)
	n.must(204, "DELETE", path, sup.Token, nil)
	n.mustError(404, "not_found", "GET", path, sup.Token, nil)
	n.mustError(404, "not_found", "GET", path, "", nil)
	var list cardList
	n.must(200, "GET", "/v1/suppliers/"+sup.ID+"/cards", sup.Token, nil).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("withdrawn card still in the channel")
	}
	if strings.Contains(string(n.must(200, "GET", "/c/"+sup.Handle, "", nil).Body), "Silk scarf") {
		t.Errorf("withdrawn card still on the channel page")
	}
}

// TestAPI_ChannelPage_NoIndexNoPrices ensures /c/{handle} is an unindexed
// HTML page with the cards' text and no price, robots.txt disallows all,
// and an unknown handle is an HTML 404.
func TestAPI_ChannelPage_NoIndexNoPrices(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "chan_sup")
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]any{"contact": "secret_wx_77"})
	img := n.uploadImage(sup.Token, color.RGBA{200, 0, 0, 255})
	n.createCard(sup.Token, map[string]any{"title": "Velvet gloves", "cost_price": 43210, "retail_price": 98760, "floor_price": 87650}, img)
	r := n.must(200, "GET", "/c/"+sup.Handle, "", nil)
	body := string(r.Body)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("channel Content-Type = %q", r.Header.Get("Content-Type"))
	}
	if xr := r.Header.Get("X-Robots-Tag"); !strings.Contains(xr, "noindex") || !strings.Contains(xr, "nofollow") {
		t.Errorf("X-Robots-Tag = %q", xr)
	}
	if !strings.Contains(body, `<meta name="robots" content="noindex,nofollow">`) {
		t.Errorf("channel page lacks the robots meta tag")
	}
	if !strings.Contains(body, "Velvet gloves") {
		t.Errorf("channel page lacks the card title")
	}
	for _, leak := range []string{"43210", "432.10", "98760", "987.60", "87650", "876.50", "secret_wx_77"} {
		if strings.Contains(r.all(), leak) {
			t.Errorf("channel page shows %q", leak)
		}
	}
	r = n.must(200, "GET", "/robots.txt", "", nil)
	if !strings.Contains(string(r.Body), "User-agent: *") || !strings.Contains(string(r.Body), "Disallow: /\n") {
		t.Errorf("robots.txt = %q", r.Body)
	}
	r = n.must(404, "GET", "/c/no_such_supplier", "", nil)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.Body), "noindex") {
		t.Errorf("unknown channel: %q %.200s", r.Header.Get("Content-Type"), r.Body)
	}
}

// TestAPI_Suppliers_ByHandleAndID ensures GET /v1/suppliers works by handle
// and by ID, and hides the supplier's contact from anonymous callers.
func TestAPI_Suppliers_ByHandleAndID(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "pub_sup")
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]any{"contact": "wx_hidden_1", "bio": "we sell scarves"})
	dist := n.signUp("distributor", "pub_dist")
	for _, key := range []string{sup.ID, sup.Handle} {
		r := n.must(200, "GET", "/v1/suppliers/"+key, "", nil)
		var a struct{ ID, Handle, Bio string }
		r.decode(t, &a)
		if a.ID != sup.ID || a.Handle != sup.Handle || a.Bio != "we sell scarves" {
			t.Errorf("GET /v1/suppliers/%s = %+v", key, a)
		}
		if strings.Contains(string(r.Body), "wx_hidden_1") {
			t.Errorf("anonymous caller sees the supplier's contact")
		}
		if strings.Contains(string(n.must(200, "GET", "/v1/suppliers/"+key, dist.Token, nil).Body), "wx_hidden_1") {
			t.Errorf("non-follower sees the supplier's contact")
		}
	}
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	if !strings.Contains(string(n.must(200, "GET", "/v1/suppliers/"+sup.Handle, dist.Token, nil).Body), "wx_hidden_1") {
		t.Errorf("active follower does not see the supplier's contact")
	}
	n.mustError(404, "not_found", "GET", "/v1/suppliers/nobody_here", "", nil)
	n.mustError(404, "not_found", "GET", "/v1/suppliers/"+dist.ID, "", nil)
}

// TestAPI_Follow_PoliciesAndBlock ensures open follows are active, approval
// follows pending until approved, and a block survives an unfollow.
func TestAPI_Follow_PoliciesAndBlock(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	open := n.signUp("supplier", "open_sup")
	strict := n.signUp("supplier", "strict_sup")
	n.must(200, "PATCH", "/v1/me", strict.Token, map[string]string{"follow_policy": "approval"})
	d := n.signUp("distributor", "follow_dist")
	state := func(sup account) string {
		var f struct{ State string }
		n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", d.Token, nil).decode(t, &f)
		return f.State
	}
	if s := state(open); s != "active" {
		t.Errorf("open follow = %q", s)
	}
	if s := state(open); s != "active" {
		t.Errorf("repeated open follow = %q", s)
	}
	if s := state(strict); s != "pending" {
		t.Errorf("approval follow = %q", s)
	}
	var fl struct{ Items []struct{ State string } }
	n.must(200, "GET", "/v1/me/followers?state=pending", strict.Token, nil).decode(t, &fl)
	if len(fl.Items) != 1 {
		t.Errorf("pending followers = %d", len(fl.Items))
	}
	var f struct{ State string }
	n.must(200, "PATCH", "/v1/me/followers/"+d.ID, strict.Token, map[string]string{"state": "active"}).decode(t, &f)
	if f.State != "active" {
		t.Errorf("approved follower = %q", f.State)
	}
	var following struct{ Items []struct{ State string } }
	n.must(200, "GET", "/v1/me/following", d.Token, nil).decode(t, &following)
	if len(following.Items) != 2 || following.Items[0].State != "active" || following.Items[1].State != "active" {
		t.Errorf("following = %+v", following.Items)
	}
	n.must(200, "PATCH", "/v1/me/followers/"+d.ID, open.Token, map[string]string{"state": "blocked"})
	n.mustError(403, "forbidden", "PUT", "/v1/suppliers/"+open.ID+"/follow", d.Token, nil)
	n.do("DELETE", "/v1/suppliers/"+open.ID+"/follow", d.Token, nil)
	n.mustError(403, "forbidden", "PUT", "/v1/suppliers/"+open.ID+"/follow", d.Token, nil)
	n.must(200, "GET", "/v1/me/followers?state=blocked", open.Token, nil).decode(t, &fl)
	if len(fl.Items) != 1 {
		t.Errorf("blocked followers after unfollow = %d, want 1", len(fl.Items))
	}
}

// TestAPI_Feed_LevelPricesAndEvents ensures the feed shows the follower's
// level cost, /v1/feed/events lists card.published after a cursor, and an
// unknown cursor gets 409.
func TestAPI_Feed_LevelPricesAndEvents(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "feed_sup")
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]any{"levels": []string{"standard", "gold"}})
	gold := n.signUp("distributor", "feed_gold")
	std := n.signUp("distributor", "feed_std")
	for _, d := range []account{gold, std} {
		n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", d.Token, nil)
	}
	n.must(200, "PATCH", "/v1/me/followers/"+gold.ID, sup.Token, map[string]string{"level": "gold"})
	n.mustError(400, "invalid", "PATCH", "/v1/me/followers/"+gold.ID, sup.Token, map[string]string{"level": "platinum"})
	var ev struct {
		Events []struct {
			Type, Cursor string
			Card         *cardReply
		}
		Cursor string
	}
	n.must(200, "GET", "/v1/feed/events", gold.Token, nil).decode(t, &ev)
	if ev.Cursor == "" || len(ev.Events) != 0 {
		t.Fatalf("events without after = %+v", ev)
	}
	start := ev.Cursor
	img := n.uploadImage(sup.Token, color.RGBA{200, 0, 0, 255})
	card := n.createCard(sup.Token, map[string]any{"level_prices": map[string]int{"gold": 4200}}, img)
	for d, want := range map[account]int64{gold: 4200, std: 5000} {
		var feed cardList
		n.must(200, "GET", "/v1/feed", d.Token, nil).decode(t, &feed)
		if len(feed.Items) != 1 || feed.Items[0].ID != card.ID || feed.Items[0].Prices == nil {
			t.Fatalf("%s feed = %+v", d.Handle, feed.Items)
		}
		if p := feed.Items[0].Prices; p.Cost != want || p.Retail != 12800 {
			t.Errorf("%s sees cost %d retail %d, want %d 12800", d.Handle, p.Cost, p.Retail, want)
		}
	}
	n.must(200, "GET", "/v1/feed/events?after="+start, gold.Token, nil).decode(t, &ev)
	if len(ev.Events) != 1 || ev.Events[0].Type != "card.published" || ev.Events[0].Card == nil || ev.Events[0].Card.ID != card.ID {
		t.Fatalf("events after start = %+v", ev.Events)
	}
	if ev.Events[0].Cursor == "" || ev.Cursor != ev.Events[0].Cursor {
		t.Errorf("event cursor %q, reply cursor %q", ev.Events[0].Cursor, ev.Cursor)
	}
	if p := ev.Events[0].Card.Prices; p == nil || p.Cost != 4200 {
		t.Errorf("gold's card.published prices = %+v", p)
	}
	n.must(200, "GET", "/v1/feed/events?after="+ev.Cursor, gold.Token, nil).decode(t, &ev)
	if len(ev.Events) != 0 {
		t.Errorf("events after the last cursor = %+v", ev.Events)
	}
	n.mustError(409, "conflict", "GET", "/v1/feed/events?after=bogus-cursor-123", gold.Token, nil)
	n.mustError(403, "forbidden", "GET", "/v1/feed", sup.Token, nil)
}
