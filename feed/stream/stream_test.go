package stream_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/stream"
)

// Ensure that a failed authentication gets a plain 401 with the API's JSON
// error and no upgrade, and that a supplier is upgraded (one stream per
// account: its orders, after-sales and follow requests).
func TestHandler_Refused(t *testing.T) {
	s := newServer(t, nil)
	sup := s.world.Supplier("sup")
	if ws, _, err := dialURL(s.url, sup.ID, ""); err != nil {
		t.Fatalf("a supplier's stream was refused: %v", err)
	} else {
		ws.Close()
	}
	for _, c := range []struct {
		token  string
		status int
	}{{"nobody", http.StatusUnauthorized}} {
		ws, resp, err := dialURL(s.url, c.token, "")
		if err != websocket.ErrBadHandshake || resp == nil || resp.StatusCode != c.status {
			t.Fatalf("token %q: err %v, resp %+v", c.token, err, resp)
		}
		if ws != nil || resp.Header.Get("Upgrade") != "" {
			t.Errorf("token %q: upgraded", c.token)
		}
		var body struct {
			Error struct{ Code string } `json:"error"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Error.Code == "" {
			t.Errorf("token %q: body %+v, %v", c.token, body, err)
		}
	}
}

// Ensure the protocol's order: without a cursor, ready then live; with a
// cursor, every missed event, then ready, then live, at the caller's level.
func TestHandler_ReplayReadyLive(t *testing.T) {
	s := newServer(t, nil)
	sup := s.world.Supplier("sup", "standard", "gold")
	d := s.world.Distributor("dist")
	s.subscribe(sup, d, "gold")
	prices := map[string]int64{"gold": 1500}

	ws, _, err := s.dial(d, "")
	if err != nil {
		t.Fatal(err)
	}
	ready := read(t, ws)
	ws.Close()
	if ready.Type != feed.TypeReady || ready.Cursor == "" {
		t.Fatalf("first frame %+v", ready)
	}
	missed := []catalog.Card{s.world.Post(sup, 2000, prices), s.world.Post(sup, 2000, prices)}

	ws, _, err = s.dial(d, ready.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for _, c := range missed {
		if ev := read(t, ws); ev.Type != "card.published" || ev.Card.ID != c.ID || ev.Card.Prices.Cost != 1500 {
			t.Fatalf("replayed %+v, want card %s", ev, c.ID)
		}
	}
	if ev := read(t, ws); ev.Type != feed.TypeReady {
		t.Fatalf("after replay: %+v", ev)
	}
	live := s.world.Post(sup, 2000, prices)
	if ev := read(t, ws); ev.Card == nil || ev.Card.ID != live.ID || ev.Card.Prices.Cost != 1500 {
		t.Fatalf("live: %+v", ev)
	}
}

// Ensure that a cursor that cannot be resumed from gets resync and a close.
func TestHandler_Resync(t *testing.T) {
	s := newServer(t, nil)
	d := s.world.Distributor("dist")
	for _, cursor := range []string{"garbage", feed.FormatCursor("otherlog", 1)} {
		ws, _, err := s.dial(d, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if ev := read(t, ws); ev.Type != feed.TypeResync {
			t.Fatalf("cursor %q: got %+v", cursor, ev)
		}
		if code := closeCode(t, ws); code != websocket.CloseNormalClosure {
			t.Errorf("cursor %q: closed with %d", cursor, code)
		}
		ws.Close()
	}
}

// Ensure that a small data frame is ignored and an oversize one closes the
// connection with 1009.
func TestHandler_DataFrames(t *testing.T) {
	s := newServer(t, nil)
	sup := s.world.Supplier("sup")
	d := s.world.Distributor("dist")
	s.subscribe(sup, d, "standard")
	ws, _, err := s.dial(d, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	read(t, ws) // ready
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"hello":1}`)); err != nil {
		t.Fatal(err)
	}
	c := s.world.Post(sup, 1000, nil)
	if ev := read(t, ws); ev.Card == nil || ev.Card.ID != c.ID {
		t.Fatalf("after a small frame: %+v", ev)
	}
	if err := ws.WriteMessage(websocket.TextMessage, make([]byte, 5000)); err != nil {
		t.Fatal(err)
	}
	if code := closeCode(t, ws); code != websocket.CloseMessageTooBig {
		t.Fatalf("closed with %d, want 1009", code)
	}
}

// Ensure that revoking the session closes its connections with 4001: at
// the next periodic check, or at once through CloseSession.
func TestHandler_SessionRevoked(t *testing.T) {
	s := newServer(t, func(h *stream.Handler) { h.PingInterval = 50 * time.Millisecond })
	d1, d2 := s.world.Distributor("d1"), s.world.Distributor("d2")
	ws1, _, err := s.dial(d1, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ws1.Close()
	read(t, ws1)
	s.revoke(d1.ID)
	if code := closeCode(t, ws1); code != stream.CloseSessionRevoked {
		t.Fatalf("periodic check: closed with %d", code)
	}

	ws2, _, err := s.dial(d2, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ws2.Close()
	read(t, ws2)
	s.handler.CloseSession(d2.ID)
	if code := closeCode(t, ws2); code != stream.CloseSessionRevoked {
		t.Fatalf("CloseSession: closed with %d", code)
	}
}

// Ensure that Shutdown closes every connection with 1001, waits for them,
// and refuses new ones.
func TestHandler_Shutdown(t *testing.T) {
	s := newServer(t, nil)
	var conns []*websocket.Conn
	for _, name := range []string{"d1", "d2", "d3"} {
		ws, _, err := s.dial(s.world.Distributor(name), "")
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		read(t, ws)
		conns = append(conns, ws)
	}
	done := make(chan struct{})
	go func() { s.shutdown(t); close(done) }()
	for _, ws := range conns {
		if code := closeCode(t, ws); code != websocket.CloseGoingAway {
			t.Errorf("closed with %d, want 1001", code)
		}
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not return")
	}
	if n := s.handler.Connections(); n != 0 {
		t.Errorf("%d connections left", n)
	}
	if _, resp, err := s.dial(s.world.Distributor("late"), ""); err == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("dial after shutdown: %v", err)
	}
}
