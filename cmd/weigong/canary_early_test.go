package main

import (
	"encoding/json"
	"image/color"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestCanary_EarlyAccess ensures that before an early-access window ends a
// follower below its level learns nothing of the card (not its ID, title
// or price) from any response, event, frame, page or error, while a gold
// follower sees it; that at the end the standard follower gets
// card.published live exactly once, even when the node restarted inside
// the window; and that the gold follower does not get it twice.
func TestCanary_EarlyAccess(t *testing.T) {
	data := t.TempDir()
	clock := &fakeClock{now: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)}
	opts := func(c *serveConfig) { c.clock, c.sweepEvery = clock.Now, 20*time.Millisecond }
	n := startNode(t, data, opts)
	sup := n.signUp("supplier", "early_sup")
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]any{"levels": []string{"standard", "gold"}})
	gold, std, stranger := n.signUp("distributor", "early_gold"), n.signUp("distributor", "early_std"), n.signUp("distributor", "early_x")
	for _, d := range []account{gold, std} {
		n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", d.Token, nil)
	}
	n.must(200, "PATCH", "/v1/me/followers/"+gold.ID, sup.Token, map[string]string{"level": "gold"})
	cursors := map[string]string{}
	for name, d := range map[string]account{"gold": gold, "std": std} {
		var ev struct{ Cursor string }
		n.must(200, "GET", "/v1/feed/events", d.Token, nil).decode(t, &ev)
		cursors[name] = ev.Cursor
	}
	const title, cost = "Early sentinel silk 早鸟", 734251
	img := n.uploadImage(sup.Token, color.RGBA{5, 5, 200, 255})
	card := n.createCard(sup.Token, map[string]any{"title": title, "cost_price": cost, "early_access": map[string]any{"level": "gold", "hours": 24}}, img)
	var sh struct{ ID string }
	n.must(201, "POST", "/v1/shares", gold.Token, map[string]any{"card_id": card.ID}).decode(t, &sh)

	secret := func(what, text string) {
		t.Helper()
		for _, s := range []string{card.ID, title, "734251"} {
			if strings.Contains(text, s) {
				t.Errorf("%s reveals %q before release:\n%.800s", what, s, text)
			}
		}
	}
	probe := func() {
		t.Helper()
		for who, a := range map[string]account{"std": std, "stranger": stranger, "anonymous": {}} {
			for _, r := range [][2]string{{"GET", "/v1/cards/" + card.ID}, {"GET", "/v1/suppliers/" + sup.ID + "/cards"},
				{"GET", "/v1/feed"}, {"GET", "/c/" + sup.Handle}, {"GET", "/s/" + sh.ID}, {"GET", "/s/" + sh.ID + "/collage.jpg"},
				{"GET", "/v1/search?q=%E6%97%A9%E9%B8%9F"}, {"GET", "/v1/search?q=sentinel"}, {"GET", "/v1/search?supplier_id=" + sup.ID}} {
				secret(who+" "+r[1], n.do(r[0], r[1], a.Token, nil).all())
			}
			secret(who+" share", n.do("POST", "/v1/shares", a.Token, map[string]any{"card_id": card.ID}).all())
			secret(who+" order", n.do("POST", "/v1/orders", a.Token, map[string]any{"lines": []map[string]any{{"card_id": card.ID, "qty": 1}}, "consignee": testConsignee}).all())
		}
		secret("std events", n.must(200, "GET", "/v1/feed/events?after="+cursors["std"], std.Token, nil).all())
		secret("std replay", strings.Join(n.streamFrames(t, std.Token, cursors["std"], 0, nil, nil), "\n"))
	}
	if got := string(n.must(200, "GET", "/v1/feed", gold.Token, nil).Body); !strings.Contains(got, card.ID) {
		t.Fatalf("the gold follower's feed lacks the early card")
	}
	if got := string(n.must(200, "GET", "/v1/search?q=sentinel", gold.Token, nil).Body); !strings.Contains(got, card.ID) {
		t.Fatalf("the gold follower's search lacks the early card")
	}
	if r := n.do("GET", "/v1/cards/"+card.ID, std.Token, nil); r.Status != 404 {
		t.Fatalf("the standard follower's GET = %d; want 404", r.Status)
	}
	probe()

	// A restart inside the window, then the window ends while a standard
	// follower is connected.
	n.Stop()
	clock.Set(clock.Now().Add(12 * time.Hour))
	n = startNode(t, data, opts)
	probe()
	live := dialLive(t, n, std.Token, cursors["std"])
	clock.Set(clock.Now().Add(12 * time.Hour))
	published := live.waitFor(t, card.ID)
	if !strings.Contains(published, `"card.published"`) || !strings.Contains(published, title) {
		t.Fatalf("at release the standard follower got %s", published)
	}
	time.Sleep(200 * time.Millisecond)
	if extra := live.count(card.ID); extra != 1 {
		t.Fatalf("the standard follower got %d frames of the card; want exactly 1", extra)
	}
	count := func(who account, cursor string) int {
		var ev struct {
			Events []struct {
				Type string
				Card struct{ ID string }
			}
		}
		n.must(200, "GET", "/v1/feed/events?after="+cursor, who.Token, nil).decode(t, &ev)
		k := 0
		for _, e := range ev.Events {
			if e.Type == "card.published" && e.Card.ID == card.ID {
				k++
			}
		}
		return k
	}
	if g, s := count(gold, cursors["gold"]), count(std, cursors["std"]); g != 1 || s != 1 {
		t.Fatalf("card.published in the event logs: gold %d, standard %d; want 1 each", g, s)
	}
	n.must(200, "GET", "/v1/cards/"+card.ID, std.Token, nil)
	n.must(200, "GET", "/s/"+sh.ID, "", nil)
}

// liveSocket collects a websocket's frames in the background.
type liveSocket struct {
	frames chan string
	all    []string
}

func dialLive(t *testing.T, n *testNode, token, cursor string) *liveSocket {
	t.Helper()
	url := "ws" + strings.TrimPrefix(n.URL, "http") + "/v1/feed/stream?after=" + cursor
	conn, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &liveSocket{frames: make(chan string, 100)}
	go func() {
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				close(s.frames)
				return
			}
			s.frames <- string(data)
		}
	}()
	// Up to and including ready: the replay must hold nothing of the card.
	for f := range s.frames {
		s.all = append(s.all, f)
		var m struct{ Type string }
		_ = json.Unmarshal([]byte(f), &m)
		if m.Type == "ready" {
			break
		}
	}
	return s
}

// waitFor returns the first frame mentioning needle, within 10 s.
func (s *liveSocket) waitFor(t *testing.T, needle string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case f, ok := <-s.frames:
			if !ok {
				t.Fatalf("the socket closed before a frame with %s", needle)
			}
			s.all = append(s.all, f)
			if strings.Contains(f, needle) {
				return f
			}
		case <-timeout:
			t.Fatalf("no frame with %s within 10 s; got %v", needle, s.all)
		}
	}
}

// count drains what has arrived and counts frames mentioning needle.
func (s *liveSocket) count(needle string) int {
	for {
		select {
		case f, ok := <-s.frames:
			if !ok {
				goto done
			}
			s.all = append(s.all, f)
			continue
		default:
		}
		break
	}
done:
	k := 0
	for _, f := range s.all {
		if strings.Contains(f, needle) {
			k++
		}
	}
	return k
}
