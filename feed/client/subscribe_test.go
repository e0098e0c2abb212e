package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/weigong/weigong/catalog/wire"
	"github.com/weigong/weigong/feed/client"
)

// fakeStream is a server whose stream plays a script per connection and
// records the ?after= of each connection.
type fakeStream struct {
	*httptest.Server
	mu      sync.Mutex
	afters  []string
	scripts [][]string // frames per connection; a connection past the end gets only ready
}

func newFakeStream(t *testing.T, scripts ...[]string) *fakeStream {
	f := &fakeStream{scripts: scripts}
	up := websocket.Upgrader{}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/feed/events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"events":[],"cursor":"fresh"}`))
	})
	mux.HandleFunc("/v1/feed/stream", func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		f.mu.Lock()
		n := len(f.afters)
		f.afters = append(f.afters, r.URL.Query().Get("after"))
		script := []string{`{"type":"ready","cursor":"idle"}`}
		if n < len(f.scripts) {
			script = f.scripts[n]
		}
		f.mu.Unlock()
		for _, frame := range script {
			if ws.WriteMessage(websocket.TextMessage, []byte(frame)) != nil {
				return
			}
		}
		if n < len(f.scripts) {
			return // drop the connection: the client must reconnect
		}
		ws.ReadMessage() // idle until the client goes
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeStream) connections() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.afters...)
}

// TestSubscribe_ResumeDedupResync ensures the subscription resumes each
// reconnect after the last event handled, hands a repeated cursor on only
// once, and on resync takes a fresh cursor before telling the caller to
// reload, then resumes from it.
func TestSubscribe_ResumeDedupResync(t *testing.T) {
	f := newFakeStream(t,
		[]string{`{"type":"card.published","cursor":"c1","card":{"id":"a"}}`, `{"type":"ready","cursor":"c1"}`,
			`{"type":"card.published","cursor":"c2","card":{"id":"b"}}`},
		[]string{`{"type":"card.published","cursor":"c2","card":{"id":"b"}}`, `{"type":"card.withdrawn","cursor":"c3","card_id":"a"}`},
		[]string{`{"type":"resync"}`},
		[]string{`{"type":"ready","cursor":"fresh"}`, `{"type":"card.published","cursor":"c9","card":{"id":"z"}}`},
	)
	c := client.New(f.URL, "t")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []string
	err := c.Subscribe(ctx, client.SubscribeOptions{After: "c0", MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
		func(ev wire.Event) error {
			got = append(got, ev.Type+":"+ev.Cursor)
			if ev.Cursor == "c9" {
				cancel()
			}
			return nil
		})
	if err != context.Canceled {
		t.Fatalf("Subscribe: %v", err)
	}
	want := "[card.published:c1 card.published:c2 card.withdrawn:c3 resync: card.published:c9]"
	if s := fmt.Sprint(got); s != want {
		t.Fatalf("handled %s, want %s", s, want)
	}
	if conns := fmt.Sprint(f.connections()); conns != "[c0 c2 c3 fresh]" {
		t.Fatalf("connections resumed after %s, want [c0 c2 c3 fresh]", conns)
	}
}

// TestSubscribe_StopsOnRevokedCredential ensures a 401 on the upgrade
// ends the subscription with the API's error instead of retrying forever.
func TestSubscribe_StopsOnRevokedCredential(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"code":"unauthorized","message":"token is not valid"}}`))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := client.New(srv.URL, "bad").Subscribe(ctx, client.SubscribeOptions{}, func(wire.Event) error { return nil })
	if !client.IsCode(err, wire.Unauthorized) {
		t.Fatalf("Subscribe: %v", err)
	}
}
