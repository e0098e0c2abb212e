package main

import (
	"testing"
)

// TestDemo_SeedsALivingProduct ensures that `serve --demo` on an empty data
// dir creates a supplier with a dozen cards and a distributor who can sign
// in with the printed password and sees them in its feed at its prices,
// and that a second start does not seed twice.
func TestDemo_SeedsALivingProduct(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	demo := func(c *serveConfig) { c.Demo = true }
	n := startNode(t, dir, demo)
	var session struct{ Token string }
	n.must(200, "POST", "/v1/sessions", "", map[string]string{"handle": demoDistributor, "password": demoPassword}).decode(t, &session)
	var feed struct {
		Items []struct {
			Images []struct{ ID string }
			Prices *struct{ Cost, Retail int64 }
		}
	}
	n.must(200, "GET", "/v1/feed?limit=100", session.Token, nil).decode(t, &feed)
	if len(feed.Items) != len(demoProducts) {
		t.Fatalf("demo feed has %d cards, want %d", len(feed.Items), len(demoProducts))
	}
	for _, c := range feed.Items {
		if c.Prices == nil || c.Prices.Cost <= 0 || c.Prices.Retail <= c.Prices.Cost || len(c.Images) == 0 {
			t.Fatalf("demo card without prices or photos: %+v", c)
		}
	}
	n.must(200, "GET", "/media/"+feed.Items[0].Images[0].ID+"/grid.jpg", "", nil)
	n.Stop()

	n = startNode(t, dir, demo)
	n.must(200, "POST", "/v1/sessions", "", map[string]string{"handle": demoDistributor, "password": demoPassword}).decode(t, &session)
	n.must(200, "GET", "/v1/feed?limit=100", session.Token, nil).decode(t, &feed)
	if len(feed.Items) != len(demoProducts) {
		t.Fatalf("after a second --demo start the feed has %d cards, want %d", len(feed.Items), len(demoProducts))
	}
}
