package main

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
)

// TestAPI_PublicShare_CORSAndNoCost ensures the share data for embedding
// carries the distributor's price and never a cost, that CORS is open on
// it and on the anonymous channel reads the widget makes, and only on
// replies to requests without credentials: a signed-in reply (with
// prices) never gets Access-Control-Allow-Origin.
func TestAPI_PublicShare_CORSAndNoCost(t *testing.T) {
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "embed_sup")
	dist := n.signUp("distributor", "embed_dist")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	card := n.createCard(sup.Token, map[string]any{"cost_price": sentinelCost, "retail_price": 1999999},
		n.uploadImage(sup.Token, color.RGBA{200, 1, 1, 255}))
	var sh struct{ ID string }
	n.must(201, "POST", "/v1/shares", dist.Token, map[string]any{"card_id": card.ID, "price": 1888800, "text": "限时"}).decode(t, &sh)

	r := n.must(200, "GET", "/v1/public/shares/"+sh.ID, "", nil)
	var ps struct {
		Price int64
		Text  string
		Card  struct {
			Title  string
			Images []struct{ URLs map[string]string }
			Prices any
		}
		Distributor struct{ Handle string }
	}
	r.decode(t, &ps)
	if ps.Price != 1888800 || ps.Text != "限时" || ps.Distributor.Handle != "embed_dist" || ps.Card.Prices != nil {
		t.Fatalf("public share: %s", r.Body)
	}
	if u := ps.Card.Images[0].URLs["grid"]; !strings.HasPrefix(u, n.URL+"/media/") {
		t.Errorf("image URL %q is not absolute", u)
	}
	if strings.Contains(r.all(), fmt.Sprint(sentinelCost)) {
		t.Fatalf("the public share leaks the cost: %s", r.all())
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("public share: Access-Control-Allow-Origin %q", r.Header.Get("Access-Control-Allow-Origin"))
	}
	// It is the same for a signed-in caller: it reads no credentials.
	if r := n.must(200, "GET", "/v1/public/shares/"+sh.ID, dist.Token, nil); strings.Contains(r.all(), fmt.Sprint(sentinelCost)) {
		t.Fatalf("the public share leaks the cost to a caller with a token: %s", r.Body)
	}

	for _, path := range []string{"/v1/suppliers/" + sup.Handle, "/v1/suppliers/" + sup.ID + "/cards"} {
		if got := n.must(200, "GET", path, "", nil).Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("anonymous %s: Access-Control-Allow-Origin %q, want *", path, got)
		}
		for _, r := range []reply{n.must(200, "GET", path, dist.Token, nil),
			n.must(200, "GET", path, "", nil, "Cookie", "wg_session="+dist.Token)} {
			if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("%s with credentials: Access-Control-Allow-Origin %q", path, got)
			}
		}
	}
	for _, path := range []string{"/v1/feed", "/v1/me", "/v1/cards/" + card.ID} {
		if got := n.do("GET", path, dist.Token, nil).Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("%s: Access-Control-Allow-Origin %q", path, got)
		}
	}
	js := n.must(200, "GET", "/embed/weigong.js", "", nil)
	if !strings.Contains(string(js.Body), "customElements.define('weigong-share'") || !strings.HasPrefix(js.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("/embed/weigong.js: %s", js.Header.Get("Content-Type"))
	}

	n.must(204, "DELETE", "/v1/cards/"+card.ID, sup.Token, nil)
	n.must(410, "GET", "/v1/public/shares/"+sh.ID, "", nil)
	n.must(404, "GET", "/v1/public/shares/AAAAAAAAAAAAAAAAAAAAAA", "", nil)
}
