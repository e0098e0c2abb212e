package main

import (
	"image/color"
	"testing"
	"time"
)

// TestAPI_Persistence_SurvivesRestart ensures tokens, cards, follows (the
// feed), shares with their views, and event cursors survive a drain and a
// restart on the same data directory.
func TestAPI_Persistence_SurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	n := startNode(t, dir)
	w := newShareWorld(t, n, "persist", map[string]any{"title": "Durable mug"}, color.RGBA{200, 40, 40, 255})
	var ev struct {
		Events []struct{ Type, Cursor string }
		Cursor string
	}
	n.must(200, "GET", "/v1/feed/events", w.dist.Token, nil).decode(t, &ev)
	old := ev.Cursor
	s := w.share(map[string]any{"price": 13900})
	n.must(200, "GET", "/s/"+s.ID, "", nil, "User-Agent", iPhoneSafariUA)
	// Views are flushed in batches: wait (bounded) until the count is visible.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var list struct{ Items []shareReply }
		n.must(200, "GET", "/v1/shares", w.dist.Token, nil).decode(t, &list)
		if len(list.Items) == 1 && list.Items[0].Views == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("view not counted within 5 s: %+v", list.Items)
		}
		time.Sleep(100 * time.Millisecond)
	}
	n.Stop()

	n = startNode(t, dir)
	w.n = n
	n.must(200, "GET", "/v1/me", w.sup.Token, nil)
	n.must(200, "GET", "/v1/me", w.dist.Token, nil)
	var card cardReply
	n.must(200, "GET", "/v1/cards/"+w.card.ID, w.dist.Token, nil).decode(t, &card)
	if card.Title != "Durable mug" || card.Prices == nil || card.Prices.Cost != 5000 {
		t.Errorf("card after restart = %+v (prices %+v)", card, card.Prices)
	}
	var feed cardList
	n.must(200, "GET", "/v1/feed", w.dist.Token, nil).decode(t, &feed)
	if len(feed.Items) != 1 || feed.Items[0].ID != w.card.ID {
		t.Errorf("feed after restart = %+v", feed.Items)
	}
	var list struct{ Items []shareReply }
	n.must(200, "GET", "/v1/shares", w.dist.Token, nil).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != s.ID || list.Items[0].Views != 1 || list.Items[0].Price != 13900 {
		t.Errorf("shares after restart = %+v, want %s with 1 view", list.Items, s.ID)
	}
	n.must(200, "GET", "/s/"+s.ID, "", nil)
	n.must(200, "GET", "/v1/feed/events?after="+old, w.dist.Token, nil).decode(t, &ev)
	if ev.Cursor == "" {
		t.Errorf("events after old cursor: no cursor")
	}
	// A card published after the restart follows the old cursor's events.
	img := n.uploadImage(w.sup.Token, color.RGBA{40, 40, 200, 255})
	fresh := n.createCard(w.sup.Token, map[string]any{"title": "After restart"}, img)
	n.must(200, "GET", "/v1/feed/events?after="+ev.Cursor, w.dist.Token, nil).decode(t, &ev)
	if len(ev.Events) != 1 || ev.Events[0].Type != "card.published" {
		t.Errorf("events after restart = %+v, want one card.published for %s", ev.Events, fresh.ID)
	}
}
