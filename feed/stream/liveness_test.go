package stream_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/weigong/weigong/feed/stream"
)

// fastPings makes liveness observable in a test: pings every 100 ms, a
// peer silent for 400 ms is dropped.
func fastPings(h *stream.Handler) {
	h.PingInterval = 100 * time.Millisecond
	h.PongWait = 400 * time.Millisecond
}

// checkLiveness connects a client that answers pings (by reading) and one
// that stays silent, lets wait pass, and checks that the silent one was
// dropped while the other still receives live frames.
func checkLiveness(t *testing.T, s *server, wait time.Duration) {
	t.Helper()
	sup := s.world.Supplier("live_sup")
	alive, silent := s.world.Distributor("alive"), s.world.Distributor("silent")
	s.subscribe(sup, alive, "standard")
	s.subscribe(sup, silent, "standard")
	wsA, _, err := s.dial(alive, "")
	if err != nil {
		t.Fatal(err)
	}
	defer wsA.Close()
	wsS, _, err := s.dial(silent, "")
	if err != nil {
		t.Fatal(err)
	}
	defer wsS.Close()
	read(t, wsS)
	frames := make(chan event, 16)
	go func() {
		defer close(frames)
		for {
			// No deadline: the test's own waits bound this reader, and
			// deferred Close ends it.
			_, data, err := wsA.ReadMessage()
			if err != nil {
				return
			}
			var ev event
			json.Unmarshal(data, &ev)
			frames <- ev
		}
	}()
	<-frames // ready
	// The silent client reads nothing, so it answers no ping.
	<-time.After(wait)
	deadline := time.Now().Add(5 * time.Second)
	for s.handler.Connections() != 1 && time.Now().Before(deadline) {
		<-time.After(20 * time.Millisecond)
	}
	if n := s.handler.Connections(); n != 1 {
		t.Fatalf("%d connections open, want only the live one", n)
	}
	c := s.world.Post(sup, 1000, nil)
	select {
	case ev := <-frames:
		if ev.Card == nil || ev.Card.ID != c.ID {
			t.Fatalf("live client got %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("live client got nothing")
	}
	if ev, err := readErr(wsS); err == nil {
		t.Fatalf("silent client still receives: %+v", ev)
	}
}

// Ensure that a peer silent past PongWait is dropped and a peer answering
// pings is kept, on plain net/http.
func TestHandler_Liveness(t *testing.T) {
	s := newServer(t, fastPings)
	checkLiveness(t, s, 700*time.Millisecond)
}
