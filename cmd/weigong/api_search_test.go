package main

import (
	"image/color"
	"net/url"
	"strings"
	"testing"
)

// TestAPI_Search ensures GET /v1/search over HTTP: matches at the caller's
// prices, paging with next, filters, nothing for those who do not follow,
// and clear errors for bad parameters.
func TestAPI_Search(t *testing.T) {
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "search_sup")
	dist := n.signUp("distributor", "search_dist")
	stranger := n.signUp("distributor", "search_stranger")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	img := n.uploadImage(sup.Token, color.RGBA{10, 120, 200, 255})
	for _, title := range []string{"真丝围巾 Mulberry", "羊毛围巾", "纯棉T恤"} {
		n.createCard(sup.Token, map[string]any{"title": title, "tags": []string{"秋冬"}}, img)
	}
	search := func(token, query string) cardList {
		t.Helper()
		var l cardList
		n.must(200, "GET", "/v1/search?"+query, token, nil).decode(t, &l)
		return l
	}
	t.Run("a follower finds by substring and prefix, at its price", func(t *testing.T) {
		l := search(dist.Token, "q="+url.QueryEscape("围巾"))
		if len(l.Items) != 2 || l.Next != "" {
			t.Fatalf("found %+v", l)
		}
		if l.Items[0].Title != "羊毛围巾" || l.Items[0].Prices == nil || l.Items[0].Prices.Cost != 5000 {
			t.Errorf("first match %+v, want 羊毛围巾 (newest) with cost 5000", l.Items[0])
		}
		if l := search(dist.Token, "q=mulb"); len(l.Items) != 1 || l.Items[0].Title != "真丝围巾 Mulberry" {
			t.Errorf("q=mulb found %+v", l.Items)
		}
	})
	t.Run("pages follow next and end without it", func(t *testing.T) {
		first := search(dist.Token, "tag="+url.QueryEscape("秋冬")+"&limit=2")
		if len(first.Items) != 2 || first.Next == "" {
			t.Fatalf("first page %+v", first)
		}
		second := search(dist.Token, "tag="+url.QueryEscape("秋冬")+"&limit=2&before="+first.Next)
		if len(second.Items) != 1 || second.Next != "" || second.Items[0].Title != "真丝围巾 Mulberry" {
			t.Errorf("second page %+v", second)
		}
	})
	t.Run("filters", func(t *testing.T) {
		if l := search(dist.Token, "in_stock=true&supplier_id="+sup.ID); len(l.Items) != 3 {
			t.Errorf("in_stock and supplier_id listed %d cards, want 3", len(l.Items))
		}
		if l := search(dist.Token, "supplier_id="+stranger.ID); len(l.Items) != 0 {
			t.Errorf("supplier_id of a non-supplier listed %+v", l.Items)
		}
	})
	t.Run("no follow, no results", func(t *testing.T) {
		r := n.must(200, "GET", "/v1/search?q="+url.QueryEscape("围巾"), stranger.Token, nil)
		if strings.TrimSpace(string(r.Body)) != `{"items":[]}` {
			t.Errorf("a stranger got %s", r.Body)
		}
		n.must(401, "GET", "/v1/search?q=x", "", nil)
	})
	t.Run("bad parameters are 400", func(t *testing.T) {
		for _, q := range []string{"in_stock=maybe", "limit=0", "limit=101", "q=" + strings.Repeat("a", 101),
			"before=not-a-cursor", "tag=" + strings.Repeat("t", 21)} {
			n.must(400, "GET", "/v1/search?"+q, dist.Token, nil)
		}
	})
}
