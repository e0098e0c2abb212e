package stream_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/stream"
)

// Ensure the delivery guarantee under churn: 200 clients on several price
// levels, some following a second supplier, drop their connections at
// random moments and resume with their last cursor while cards are posted
// in bursts (small queues, so slow clients are also closed with 4008). In
// the end every client has every card of the suppliers it follows, once
// after de-duplication by cursor, in cursor order, at its own level's cost.
func TestStream_NoLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("churn test")
	}
	s := newServer(t, func(h *stream.Handler) { h.QueueLen = 16 })
	a := s.world.Supplier("sup_a", "standard", "silver", "gold")
	b := s.world.Supplier("sup_b", "standard", "vip")
	prices := map[string]map[string]int64{
		a.ID: {"standard": 3000, "silver": 2500, "gold": 2000},
		b.ID: {"standard": 1800, "vip": 1500},
	}
	clients := make([]*client, 200)
	for i := range clients {
		d := s.world.Distributor(fmt.Sprintf("dist_%03d", i))
		c := &client{s: s, d: d, levels: map[string]string{a.ID: a.Levels[i%3]}, rng: rand.New(rand.NewPCG(uint64(i), 7))}
		if i%4 == 0 {
			c.levels[b.ID] = b.Levels[i/4%2]
		}
		for sup, level := range c.levels {
			s.world.Follow(catalog.Account{ID: sup}, d, catalog.StateActive, level)
		}
		_, c.cursor, _ = s.svc.Events(bg, d, "", 1)
		clients[i] = c
	}

	ctx, cancel := context.WithTimeout(bg, 25*time.Second)
	defer cancel()
	p := postInBursts(t, s, []catalog.Account{a, b}, prices, 60)
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() { defer wg.Done(); c.run(ctx, p) }()
	}
	wg.Wait()

	<-p.done
	want := p.ids
	var reconnects, dups, slow int
	for _, c := range clients {
		c.check(t, want, prices)
		reconnects, dups, slow = reconnects+c.reconnects, dups+c.dups, slow+c.slow
	}
	t.Logf("%d clients, %d cards; %d reconnects, %d duplicate frames dropped, %d closes with 4008",
		len(clients), len(want[a.ID])+len(want[b.ID]), reconnects, dups, slow)
}

// posting is the card IDs posted per supplier; read them once done is
// closed. finished is cancelled at the same time, to wake waiting clients.
type posting struct {
	done     chan struct{}
	finished context.Context
	mu       sync.Mutex
	ids      map[string][]string
}

// postInBursts posts n cards per supplier from one goroutine per supplier,
// in bursts of 10 every 20 ms (or until the test fails).
func postInBursts(t *testing.T, s *server, sups []catalog.Account, prices map[string]map[string]int64, n int) *posting {
	finished, cancel := context.WithCancel(bg)
	p := &posting{done: make(chan struct{}), finished: finished, ids: map[string][]string{}}
	var wg sync.WaitGroup
	for _, sup := range sups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				if i%10 == 0 {
					<-time.After(20 * time.Millisecond)
				}
				c := newPricedCard(sup, prices[sup.ID])
				if _, err := s.stores.SaveCard(bg, c, catalog.CardPublished); err != nil {
					t.Errorf("posting: %v", err)
					return
				}
				p.mu.Lock()
				p.ids[sup.ID] = append(p.ids[sup.ID], c.ID)
				p.mu.Unlock()
			}
		}()
	}
	go func() { wg.Wait(); close(p.done); cancel() }()
	return p
}

// client is one distributor app: it keeps its last cursor, de-duplicates by
// cursor, and reconnects whenever its connection ends.
type client struct {
	s      *server
	d      catalog.Account
	levels map[string]string // supplier ID → level
	rng    *rand.Rand

	cursor  string
	lastSeq uint64
	seen    map[string]bool
	cards   map[string]slimEvent // by card ID
	errs    []string

	reconnects, dups, slow int
}

// run connects until it has every posted card or ctx ends.
func (c *client) run(ctx context.Context, p *posting) {
	c.seen, c.cards = map[string]bool{}, map[string]slimEvent{}
	for ctx.Err() == nil && !c.complete(p) {
		c.session(ctx, p)
		c.reconnects++
	}
}

// session runs one connection and drops it after a random number of frames.
func (c *client) session(ctx context.Context, p *posting) {
	ws, _, err := c.s.dial(c.d, c.cursor)
	if err != nil {
		return
	}
	defer ws.Close()
	stop := context.AfterFunc(ctx, func() { ws.Close() })
	defer stop()
	// A client may have every card of its suppliers while others are still
	// posting; when posting ends, its read must not wait for a frame that
	// will never come. Waking it ends the session; run then sees it is done.
	wake := context.AfterFunc(p.finished, func() { ws.SetReadDeadline(time.Now()) })
	defer wake()
	for budget := c.rng.IntN(40); budget > 0 && !c.complete(p); budget-- {
		if _, err := c.next(ws); err != nil {
			return
		}
	}
}

func (c *client) next(ws *websocket.Conn) (slimEvent, error) {
	ev, err := readSlim(ws)
	if websocket.IsCloseError(err, feed.CloseSlow) {
		c.slow++
	}
	if err != nil {
		return ev, err
	}
	switch {
	case ev.Type == feed.TypeResync:
		c.errs = append(c.errs, "resync")
	case ev.Type == feed.TypeReady:
		if seq := c.seq(ev.Cursor); seq > c.lastSeq {
			c.cursor, c.lastSeq = ev.Cursor, seq
		}
	case c.seen[ev.Cursor]:
		c.dups++
	default:
		c.record(ev)
	}
	return ev, nil
}

func (c *client) record(ev slimEvent) {
	seq := c.seq(ev.Cursor)
	if seq <= c.lastSeq {
		c.errs = append(c.errs, fmt.Sprintf("cursor %d after %d", seq, c.lastSeq))
	}
	if _, ok := c.cards[ev.Card.ID]; ok {
		c.errs = append(c.errs, "card "+ev.Card.ID+" twice under different cursors")
	}
	c.seen[ev.Cursor], c.cards[ev.Card.ID] = true, ev
	c.cursor, c.lastSeq = ev.Cursor, seq
}

func (c *client) seq(cursor string) uint64 {
	info, _ := c.s.stores.Log(bg)
	seq, err := feed.ParseCursor(cursor, info)
	if err != nil {
		c.errs = append(c.errs, "bad cursor "+cursor)
	}
	return seq
}

// complete reports whether posting is over and the client has as many
// cards as were posted by its suppliers (check verifies they are the ones).
func (c *client) complete(p *posting) bool {
	select {
	case <-p.done:
	default:
		return false
	}
	n := 0
	for sup := range c.levels {
		n += len(p.ids[sup])
	}
	return len(c.cards) >= n
}

// check compares what the client received with what it should have.
func (c *client) check(t *testing.T, want map[string][]string, prices map[string]map[string]int64) {
	t.Helper()
	for _, e := range c.errs {
		t.Errorf("%s: %s", c.d.Handle, e)
	}
	n := 0
	for sup, level := range c.levels {
		for _, id := range want[sup] {
			ev, ok := c.cards[id]
			switch {
			case !ok:
				t.Errorf("%s: missing card %s", c.d.Handle, id)
			case ev.Card.Prices == nil || ev.Card.Prices.Cost != prices[sup][level]:
				t.Errorf("%s (%s): card %s with prices %+v", c.d.Handle, level, id, ev.Card.Prices)
			}
			n++
		}
	}
	if len(c.cards) != n {
		t.Errorf("%s: %d cards, want %d", c.d.Handle, len(c.cards), n)
	}
}

func newPricedCard(sup catalog.Account, prices map[string]int64) catalog.Card {
	levels := map[string]int64{}
	for level, p := range prices {
		if level != sup.Levels[0] {
			levels[level] = p
		}
	}
	c := newCard(sup, prices[sup.Levels[0]])
	c.LevelPrices = levels
	return c
}

// slimEvent is the part of a frame the churn test checks. Decoding only
// this keeps 200 clients from starving the server of CPU under -race.
type slimEvent struct {
	Type   string `json:"type"`
	Cursor string `json:"cursor"`
	Card   *struct {
		ID     string             `json:"id"`
		Prices *catalog.PriceView `json:"prices"`
	} `json:"card"`
}

func readSlim(ws *websocket.Conn) (slimEvent, error) {
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := ws.ReadMessage()
	var ev slimEvent
	if err == nil {
		err = json.Unmarshal(data, &ev)
	}
	return ev, err
}
