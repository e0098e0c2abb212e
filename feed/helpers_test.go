package feed_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/internal/feedtest"
	"github.com/weigong/weigong/feed/internal/memstore"
)

var bg = context.Background()

// env is one feed wired over the in-memory store.
type env struct {
	bus   *feed.LocalBus
	store *memstore.Store
	world feedtest.World
	hub   *feed.Hub
	svc   *feed.Service
	logID string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	bus := feed.NewLocalBus()
	st := memstore.New(bus)
	info, _ := st.Log(bg)
	hub := feed.NewHub(info.ID, bus, st, nil)
	t.Cleanup(hub.Stop)
	return &env{bus: bus, store: st, world: feedtest.World{T: t, Stores: st}, hub: hub,
		svc: &feed.Service{Store: st, Follows: st}, logID: info.ID}
}

// sink records frames. With a positive capacity it refuses frames beyond
// it, like a connection whose queue is full.
type sink struct {
	mu       sync.Mutex
	capacity int
	frames   [][]byte
	code     int
	reason   string
}

func (s *sink) Send(frame []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.capacity > 0 && len(s.frames) >= s.capacity {
		return false
	}
	s.frames = append(s.frames, frame)
	return true
}

func (s *sink) Close(code int, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.code == 0 {
		s.code, s.reason = code, reason
	}
}

func (s *sink) got() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.frames...)
}

func (s *sink) closedWith() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.code
}

// event is a decoded frame, with the fields of every event type.
type event struct {
	Type       string            `json:"type"`
	Cursor     string            `json:"cursor"`
	Card       *catalog.CardView `json:"card"`
	CardID     string            `json:"card_id"`
	SupplierID string            `json:"supplier_id"`
	State      string            `json:"state"`
	Level      *string           `json:"level"`
}

func decode(t *testing.T, frame []byte) event {
	t.Helper()
	var e event
	if err := json.Unmarshal(frame, &e); err != nil {
		t.Fatalf("frame %s: %v", frame, err)
	}
	return e
}

func decodeAll(t *testing.T, frames [][]byte) []event {
	t.Helper()
	out := make([]event, len(frames))
	for i, f := range frames {
		out[i] = decode(t, f)
	}
	return out
}

// attach registers a live subscription for d that delivers to a new sink.
func (e *env) attach(t *testing.T, d catalog.Account, capacity int) (*sink, *feed.Subscription) {
	t.Helper()
	s := &sink{capacity: capacity}
	sub, err := e.hub.Attach(bg, d, s)
	if err != nil {
		t.Fatal(err)
	}
	sub.Start(0)
	t.Cleanup(sub.Close)
	return s, sub
}

// cost returns the cost price a card event shows, or -1 when it has none.
func cost(e event) int64 {
	if e.Card == nil || e.Card.Prices == nil {
		return -1
	}
	return e.Card.Prices.Cost
}
