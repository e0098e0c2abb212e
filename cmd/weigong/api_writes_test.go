package main

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
)

// TestAPI_IdempotentWrites ensures, over HTTP, that a retried write with
// the same Idempotency-Key gets the first result (marked replayed) and
// creates nothing, that the key with another body is a 409, and that an
// upload retried with a fresh multipart boundary is still the same
// request.
func TestAPI_IdempotentWrites(t *testing.T) {
	n := startNode(t, t.TempDir())
	s := n.signUp("supplier", "factory")
	photo := solidJPEG(t, 320, 240, color.RGBA{10, 120, 200, 255})

	up1 := n.must(201, "POST", "/v1/images", s.Token, multipartFile("image", "a.jpg", photo), "Idempotency-Key", "img-1")
	up2 := n.must(201, "POST", "/v1/images", s.Token, multipartFile("image", "b.jpg", photo), "Idempotency-Key", "img-1")
	var i1, i2 struct{ ID string }
	up1.decode(t, &i1)
	up2.decode(t, &i2)
	if i1.ID != i2.ID || up2.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retried upload = %s (replayed %q); want %s", i2.ID, up2.Header.Get("Idempotent-Replayed"), i1.ID)
	}
	other := solidJPEG(t, 320, 240, color.RGBA{200, 20, 20, 255})
	n.mustError(409, "conflict", "POST", "/v1/images", s.Token, multipartFile("image", "c.jpg", other), "Idempotency-Key", "img-1")

	body := map[string]any{"title": "Silk", "image_ids": []string{i1.ID}, "cost_price": 5000, "retail_price": 9000}
	r1 := n.must(201, "POST", "/v1/cards", s.Token, body, "Idempotency-Key", "card-1")
	r2 := n.must(201, "POST", "/v1/cards", s.Token, body, "Idempotency-Key", "card-1")
	if string(r1.Body) != string(r2.Body) || r2.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retried card post answered %s; want the first answer %s, replayed", r2.Body, r1.Body)
	}
	body["title"] = "Cotton"
	n.mustError(409, "conflict", "POST", "/v1/cards", s.Token, body, "Idempotency-Key", "card-1")
	var channel cardList
	n.must(200, "GET", "/v1/suppliers/"+s.ID+"/cards", s.Token, nil).decode(t, &channel)
	if len(channel.Items) != 1 {
		t.Fatalf("channel has %d cards after retries; want 1", len(channel.Items))
	}
}

// TestAPI_IfMatch ensures that editable objects carry version and that a
// write with a stale If-Match is a 412 precondition_failed that changes
// nothing, on cards, the profile and followers.
func TestAPI_IfMatch(t *testing.T) {
	n := startNode(t, t.TempDir())
	s, d := n.signUp("supplier", "factory"), n.signUp("distributor", "shop")
	c := n.createCard(s.Token, nil, n.uploadImage(s.Token, color.RGBA{1, 2, 3, 255}))
	if c.Version != 1 {
		t.Fatalf("new card version = %d; want 1", c.Version)
	}
	var v2 cardReply
	n.must(200, "PATCH", "/v1/cards/"+c.ID, s.Token, map[string]any{"title": "v2"}, "If-Match", `"1"`).decode(t, &v2)
	if v2.Version != 2 {
		t.Fatalf("patched card version = %d; want 2", v2.Version)
	}
	n.mustError(412, "precondition_failed", "PATCH", "/v1/cards/"+c.ID, s.Token, map[string]any{"title": "lost update"}, "If-Match", "1")
	var now cardReply
	n.must(200, "GET", "/v1/cards/"+c.ID, s.Token, nil).decode(t, &now)
	if now.Title != "v2" {
		t.Fatalf("a refused patch changed the title to %q", now.Title)
	}
	n.mustError(400, "invalid", "PATCH", "/v1/cards/"+c.ID, s.Token, map[string]any{"title": "x"}, "If-Match", "soon")
	n.mustError(412, "precondition_failed", "DELETE", "/v1/cards/"+c.ID, s.Token, nil, "If-Match", "1")

	var me struct{ Version int64 }
	n.must(200, "GET", "/v1/me", s.Token, nil).decode(t, &me)
	n.must(200, "PATCH", "/v1/me", s.Token, map[string]any{"bio": "b"}, "If-Match", fmt.Sprint(me.Version))
	n.mustError(412, "precondition_failed", "PATCH", "/v1/me", s.Token, map[string]any{"bio": "c"}, "If-Match", fmt.Sprint(me.Version))

	n.must(200, "PUT", "/v1/suppliers/"+s.ID+"/follow", d.Token, nil)
	n.mustError(412, "precondition_failed", "PATCH", "/v1/me/followers/"+d.ID, s.Token, map[string]any{"state": "blocked"}, "If-Match", "9")
	var f struct{ Version int64 }
	n.must(200, "PATCH", "/v1/me/followers/"+d.ID, s.Token, map[string]any{"state": "blocked"}, "If-Match", "1").decode(t, &f)
	if f.Version != 2 {
		t.Fatalf("follower version after a block = %d; want 2", f.Version)
	}
}

// TestAPI_RemovedLevel_CardsStayEditable ensures, over HTTP, that after a
// supplier removes a level, a card that priced it can still be edited, the
// stale price is gone from what the owner sees, and the follower who was on
// that level got follow.changed with the level it now has.
func TestAPI_RemovedLevel_CardsStayEditable(t *testing.T) {
	n := startNode(t, t.TempDir())
	s, d := n.signUp("supplier", "lvl_sup"), n.signUp("distributor", "lvl_dist")
	n.must(200, "PATCH", "/v1/me", s.Token, map[string]any{"levels": []string{"standard", "gold"}})
	n.must(200, "PUT", "/v1/suppliers/"+s.ID+"/follow", d.Token, nil)
	n.must(200, "PATCH", "/v1/me/followers/"+d.ID, s.Token, map[string]string{"level": "gold"})
	var ev struct{ Cursor string }
	n.must(200, "GET", "/v1/feed/events", d.Token, nil).decode(t, &ev)
	c := n.createCard(s.Token, map[string]any{"level_prices": map[string]int{"gold": 4000}}, n.uploadImage(s.Token, color.RGBA{3, 3, 3, 255}))
	n.must(200, "PATCH", "/v1/me", s.Token, map[string]any{"levels": []string{"standard"}})
	var edited struct {
		Title       string
		LevelPrices map[string]int `json:"level_prices"`
	}
	n.must(200, "PATCH", "/v1/cards/"+c.ID, s.Token, map[string]any{"title": "edited after the removal"}).decode(t, &edited)
	if edited.Title != "edited after the removal" || len(edited.LevelPrices) != 0 {
		t.Fatalf("edited card = %+v; want the new title and no stale level price", edited)
	}
	body := string(n.must(200, "GET", "/v1/feed/events?after="+ev.Cursor, d.Token, nil).Body)
	if !strings.Contains(body, `"follow.changed"`) || !strings.Contains(body, `"level":"standard"`) {
		t.Fatalf("the gold follower's events lack follow.changed to standard: %s", body)
	}
}
