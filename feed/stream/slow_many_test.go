package stream_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/internal/feedtest"
)

// Ensure that one client that never reads is closed with 4008 while 100
// others on the same supplier receive every card, in order, with a
// fan-out time per card that does not grow once the stalled client's
// queue is full (the stalled client blocks no one), and that the server
// drops the stalled connection rather than buffering for it.
func TestHandler_SlowClientDoesNotDelayHundred(t *testing.T) {
	s, sup, slow := stalledServer(t) // slow reads nothing after ready
	stalledAt := time.Now()

	const clients, posts = 100, 40
	received := make(chan string, clients*posts)
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		d := s.world.Distributor(fmt.Sprintf("fast%03d", i))
		s.subscribe(sup, d, "standard")
		ws, _, err := s.dial(d, "")
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		read(t, ws)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < posts; n++ {
				ev, err := readErr(ws)
				if err != nil {
					return
				}
				received <- ev.Card.ID
			}
		}()
	}

	fanout := make([]time.Duration, posts)
	for i := 0; i < posts; i++ {
		c := feedtest.NewCard(sup, 1000, nil)
		c.Description = strings.Repeat("描述", 600) // about 3.6 KB per frame
		start := time.Now()
		s.world.Save(c, catalog.CardPublished)
		for got := 0; got < clients; got++ {
			select {
			case id := <-received:
				if id != c.ID {
					t.Fatalf("card %d: a client received %s out of order", i, id)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("card %d reached %d of %d clients within 10 s", i, got, clients)
			}
		}
		fanout[i] = time.Since(start)
	}
	wg.Wait()
	if _, err := drainStalled(slow, stalledAt); !websocket.IsCloseError(err, feed.CloseSlow) {
		t.Fatalf("stalled client: %v, want close %d", err, feed.CloseSlow)
	}
	// The stalled client is closed within the first few cards; compare the
	// fan-out time of the last cards with the first ones. A stalled client
	// that blocked the others would delay every card after it, the fastest
	// too; the load of a shared machine delays some cards and not others.
	// So the fastest of the last ten is held against the median of the
	// first ten, and no scheduling hiccup decides the test.
	first, fastestLast := median(fanout[:10]), slices.Min(fanout[posts-10:])
	t.Logf("fan-out to %d clients: median %v for the first 10 cards, fastest of the last 10 %v", clients, first, fastestLast)
	if fastestLast > 3*first+50*time.Millisecond {
		t.Errorf("fan-out slowed down from %v to at least %v with a stalled client", first, fastestLast)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.handler.Connections() > clients && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := s.handler.Connections(); n != clients {
		t.Errorf("server holds %d connections, want %d: the stalled one was not dropped", n, clients)
	}
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
