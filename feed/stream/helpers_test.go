package stream_test

import (
	"path/filepath"

	"context"
	"encoding/json"
	"errors"
	"github.com/weigong/weigong/storage"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/internal/feedtest"
	"github.com/weigong/weigong/feed/stream"
)

// openStores is the one place that chooses the stores under these tests:
// the real bbolt database in a temporary directory, with a relay tailing
// its change log into bus, as in production.
var openStores = func(t testing.TB, bus feed.Bus) feedtest.Stores {
	db, err := storage.Open(filepath.Join(t.TempDir(), "weigong.db"))
	if err != nil {
		t.Fatal(err)
	}
	relay := &feed.Tailer{Log: db, Handle: func(_ context.Context, c catalog.Change) error { bus.Publish(c); return nil }}
	if err := relay.Start(bg); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(bg)
	done := make(chan struct{})
	go func() { defer close(done); _ = relay.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		<-done
		if err := db.Check(); err != nil {
			t.Errorf("database check: %v", err)
		}
		db.Close()
	})
	return db
}

var bg = context.Background()

// server is a websocket endpoint over a fresh feed, with bearer tokens that
// are simply account IDs.
type server struct {
	world   feedtest.World
	stores  feedtest.Stores
	svc     *feed.Service
	hub     *feed.Hub
	handler *stream.Handler
	url     string // ws:// URL of the endpoint

	mu      sync.Mutex
	revoked map[string]bool
}

// newServer starts a server; tune may adjust the handler before it runs.
func newServer(t testing.TB, tune func(*stream.Handler)) *server {
	s := newFeed(t)
	if tune != nil {
		tune(s.handler)
	}
	ts := httptest.NewServer(s.handler)
	t.Cleanup(func() { s.shutdown(t); ts.Close() })
	s.url = "ws" + strings.TrimPrefix(ts.URL, "http")
	return s
}

// newFeed wires stores, hub, service and handler without a listener.
func newFeed(t testing.TB) *server {
	bus := feed.NewLocalBus()
	st := openStores(t, bus)
	info, err := st.Log(bg)
	if err != nil {
		t.Fatal(err)
	}
	hub := feed.NewHub(info.ID, bus, st, nil)
	t.Cleanup(hub.Stop)
	s := &server{world: feedtest.World{T: t, Stores: st}, stores: st, hub: hub,
		svc: &feed.Service{Store: st, Follows: st}, revoked: map[string]bool{}}
	s.handler = &stream.Handler{Hub: hub, Feed: s.svc, Authenticate: s.authenticate, SessionValid: s.sessionValid}
	return s
}

func (s *server) shutdown(t testing.TB) {
	ctx, cancel := context.WithTimeout(bg, 5*time.Second)
	defer cancel()
	s.handler.Shutdown(ctx)
}

func (s *server) authenticate(r *http.Request) (catalog.Account, string, error) {
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	a, err := s.stores.Account(r.Context(), token)
	if err != nil || s.isRevoked(token) {
		return catalog.Account{}, "", catalog.Errorf(catalog.Unauthorized, "token is not valid")
	}
	return a, token, nil
}

func (s *server) sessionValid(ctx context.Context, tokenHash string) (bool, error) {
	return !s.isRevoked(tokenHash), nil
}

func (s *server) revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked[token] = true
}

func (s *server) isRevoked(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revoked[token]
}

// dial opens a stream as account a, resuming after the cursor (if any).
func (s *server) dial(a catalog.Account, after string) (*websocket.Conn, *http.Response, error) {
	return dialURL(s.url, a.ID, after)
}

func dialURL(base, token, after string) (*websocket.Conn, *http.Response, error) {
	u := base
	if after != "" {
		u += "?after=" + after
	}
	h := http.Header{"Authorization": {"Bearer " + token}}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	return d.Dial(u, h)
}

// event is a decoded frame with the fields of every event type.
type event struct {
	Type   string            `json:"type"`
	Cursor string            `json:"cursor"`
	Card   *catalog.CardView `json:"card"`
	CardID string            `json:"card_id"`
}

// read reads one frame within a few seconds, failing the test otherwise.
func read(t testing.TB, ws *websocket.Conn) event {
	t.Helper()
	ev, err := readErr(ws)
	if err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	return ev
}

func readErr(ws *websocket.Conn) (event, error) {
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := ws.ReadMessage()
	if err != nil {
		return event{}, err
	}
	var ev event
	err = json.Unmarshal(data, &ev)
	return ev, err
}

// closeCode reads until the connection closes and returns the close code
// (-1 when it ended without a close frame).
func closeCode(t testing.TB, ws *websocket.Conn) int {
	t.Helper()
	for {
		_, err := readErr(ws)
		var ce *websocket.CloseError
		switch {
		case err == nil:
			continue
		case errors.As(err, &ce):
			return ce.Code
		default:
			t.Logf("connection ended: %v", err)
			return -1
		}
	}
}

// subscribe makes d an active follower of sup at level.
func (s *server) subscribe(sup, d catalog.Account, level string) {
	s.world.Follow(sup, d, catalog.StateActive, level)
}

// newCard returns an unsaved card of sup with the given base cost.
func newCard(sup catalog.Account, cost int64) catalog.Card {
	return feedtest.NewCard(sup, cost, nil)
}
