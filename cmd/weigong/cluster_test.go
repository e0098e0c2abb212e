package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/storage"
	"github.com/weigong/weigong/storage/pgtest"
)

// clusterFollowers is how many distributors follow the supplier in the
// three-node test, spread evenly over the nodes (issue 12: 1,000).
const clusterFollowers = 1000

// TestCluster_ThreeNodesOneService runs three `weigong serve` processes on
// one PostgreSQL database and one NATS JetStream server, the deployment
// docs/SCALE.md describes, and checks the feed's guarantee across them:
//
//   - cards posted through node A reach every follower, whichever node
//     their websocket is on;
//   - node B is killed with SIGKILL while cards are being posted; its
//     followers reconnect to node C with their last cursor and lose
//     nothing: every card acknowledged with 201 reaches every follower,
//     and no card reaches a follower under two cursors;
//   - no acknowledged write is lost: node C's feed holds every card;
//   - the changes travelled through JetStream.
func TestCluster_ThreeNodesOneService(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary three times")
	}
	bin := weigongBinary(t)
	pg := pgtest.NewDatabase(t)
	nats := startNATS(t)
	bus := nats.URL
	t.Setenv("WEIGONG_SECRET_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	flags := []string{"--store", pg, "--bus", bus}
	nodes := map[string]*rstProc{}
	for _, name := range []string{"A", "B", "C"} {
		nodes[name] = rstStart(t, bin, t.TempDir(), flags...)
	}
	a, b, c := nodes["A"], nodes["B"], nodes["C"]
	sup := a.signUp(t, "supplier", "cluster_sup")
	img := a.upload(t, sup.token)
	tokens := seedFollowers(t, pg, sup.id, clusterFollowers)

	// Every follower listens on one of the three nodes, from now.
	var cursor struct {
		Cursor string `json:"cursor"`
	}
	a.call(t, http.StatusOK, "GET", "/v1/feed/events", tokens[0], nil, &cursor)
	on := []*rstProc{a, b, c}
	listeners := make([]*clusterListener, len(tokens))
	for i, tok := range tokens {
		listeners[i] = &clusterListener{token: tok, cursor: cursor.Cursor, seen: map[string]string{}}
		listeners[i].connect(t, on[i%3])
	}
	t.Cleanup(func() {
		for _, l := range listeners {
			l.close()
		}
	})

	var posted []string
	post := func(via *rstProc, n int) {
		for range n {
			var card struct{ ID string }
			via.call(t, http.StatusCreated, "POST", "/v1/cards", sup.token, map[string]any{
				"title": fmt.Sprintf("cluster %d", len(posted)), "image_ids": []string{img},
				"cost_price": 1000, "retail_price": 2000}, &card)
			posted = append(posted, card.ID)
		}
	}
	post(a, 10)
	waitAllSeen(t, listeners, posted, 90*time.Second)

	// Kill B with its followers mid-stream: cards keep coming through A
	// while B dies and its followers move to C with their cursors.
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(150 * time.Millisecond)
		b.kill(t)
	}()
	post(a, 10)
	<-done
	for i, l := range listeners {
		if on[i%3] == b {
			l.reconnect(t, c)
		}
	}
	post(a, 5)
	post(c, 5)
	waitAllSeen(t, listeners, posted, 120*time.Second)

	for i, l := range listeners {
		if err := l.failure(); err != "" {
			t.Fatalf("listener %d: %s", i, err)
		}
		l.mu.Lock()
		if len(l.seen) != len(posted) {
			t.Fatalf("listener %d saw %d cards, want %d", i, len(l.seen), len(posted))
		}
		l.mu.Unlock()
	}
	// The changes went between nodes through JetStream, one message each
	// however many relays published them.
	if got := nats.streamMessages(t); got < uint64(len(posted)) {
		t.Fatalf("the JetStream stream holds %d messages for %d cards", got, len(posted))
	}
	var feed struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	c.call(t, http.StatusOK, "GET", "/v1/feed?limit=100", tokens[1], nil, &feed)
	if len(feed.Items) != len(posted) {
		t.Fatalf("node C's feed holds %d cards, want every one of the %d acknowledged", len(feed.Items), len(posted))
	}
}

// seedFollowers creates n distributors with a session each, all actively
// following supplierID, straight in the shared database (signing up a
// thousand accounts over HTTP would spend a minute hashing passwords) and
// returns their bearer tokens.
func seedFollowers(t *testing.T, url, supplierID string, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	db, err := storage.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	tokens := make([]string, n)
	for i := range tokens {
		id := uuid.Must(uuid.NewV7()).String()
		acc := catalog.Account{ID: id, Role: catalog.RoleDistributor, Handle: "cl" + strconv.Itoa(i), Name: "Cluster", CreatedAt: now}
		tok, err := catalog.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(ctx, func(tx catalog.Tx) error {
			if err := tx.CreateAccount(acc); err != nil {
				return err
			}
			if err := tx.CreateSession(catalog.Session{TokenHash: catalog.HashToken(tok), AccountID: id,
				CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour)}); err != nil {
				return err
			}
			_, err := tx.SaveFollow(catalog.Follow{SupplierID: supplierID, DistributorID: id,
				State: catalog.StateActive, Level: catalog.DefaultLevel, Since: now})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = tok
	}
	return tokens
}

// clusterListener is one follower's websocket, kept across a move from
// one node to another. It records each card it receives under the cursor
// that carried it; a card under two cursors is a double delivery.
type clusterListener struct {
	token string

	mu     sync.Mutex
	conn   *websocket.Conn
	cursor string
	seen   map[string]string // card ID → cursor
	dups   []string
	err    string
	done   chan struct{}
}

func (l *clusterListener) connect(t *testing.T, p *rstProc) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	l.mu.Lock()
	after := l.cursor
	l.mu.Unlock()
	h := http.Header{"Authorization": {"Bearer " + l.token}}
	conn, _, err := websocket.DefaultDialer.DialContext(ctx, "ws://"+p.addr+"/v1/feed/stream?after="+after, h)
	if err != nil {
		t.Fatalf("websocket to %s: %v", p.addr, err)
	}
	done := make(chan struct{})
	l.mu.Lock()
	l.conn, l.done = conn, done
	l.mu.Unlock()
	go l.read(conn, done)
}

// reconnect moves the listener to node p, resuming after its last cursor
// (at-least-once around the move; duplicates are told apart by cursor).
func (l *clusterListener) reconnect(t *testing.T, p *rstProc) {
	l.close()
	l.connect(t, p)
}

func (l *clusterListener) close() {
	l.mu.Lock()
	conn, done := l.conn, l.done
	l.mu.Unlock()
	if conn == nil {
		return
	}
	conn.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
}

func (l *clusterListener) read(conn *websocket.Conn, done chan struct{}) {
	defer close(done)
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var f struct {
			Type   string `json:"type"`
			Cursor string `json:"cursor"`
			Card   struct {
				ID string `json:"id"`
			} `json:"card"`
		}
		if err := json.Unmarshal(msg, &f); err != nil {
			l.fail("frame %s: %v", msg, err)
			return
		}
		l.mu.Lock()
		switch f.Type {
		case "resync":
			l.err = "resync: the cursor was not recognised by another node"
		case "card.published":
			if prev, ok := l.seen[f.Card.ID]; ok {
				if prev != f.Cursor {
					l.dups = append(l.dups, f.Card.ID)
				}
			} else {
				l.seen[f.Card.ID] = f.Cursor
			}
		}
		if f.Cursor != "" && f.Type != "ready" {
			l.cursor = f.Cursor
		}
		l.mu.Unlock()
	}
}

func (l *clusterListener) fail(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == "" {
		l.err = fmt.Sprintf(format, args...)
	}
}

// failure reports a protocol error or a card delivered under two cursors.
func (l *clusterListener) failure() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != "" {
		return l.err
	}
	if len(l.dups) > 0 {
		return fmt.Sprintf("cards delivered under two cursors: %v", l.dups)
	}
	return ""
}

// waitAllSeen waits (bounded) until every listener has seen every card.
func waitAllSeen(t *testing.T, ls []*clusterListener, cards []string, bound time.Duration) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for {
		missing := 0
		var example string
		for i, l := range ls {
			l.mu.Lock()
			for _, id := range cards {
				if _, ok := l.seen[id]; !ok {
					missing++
					if example == "" {
						example = fmt.Sprintf("listener %d lacks card %s", i, id)
					}
				}
			}
			l.mu.Unlock()
			if msg := l.failure(); msg != "" {
				t.Fatalf("listener %d: %s", i, msg)
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, %d deliveries missing (%s)", bound, missing, example)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCluster_BackgroundJobsMoveWhenTheirNodeDies ensures the singletons
// (here the webhook fan-out and sender) run on one node of a service and
// move to another when that node dies: node A alone holds the lease and
// delivers; B joins and A still delivers what B takes; A is killed with
// SIGKILL and B takes the lease over and delivers every card posted since,
// each once per webhook-id and correctly signed.
func TestCluster_BackgroundJobsMoveWhenTheirNodeDies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary twice")
	}
	bin := weigongBinary(t)
	pg := pgtest.NewDatabase(t)
	t.Setenv("WEIGONG_SECRET_KEY", "8899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677")
	flags := []string{"--store", pg, "--allow-private-webhooks"}
	a := rstStart(t, bin, t.TempDir(), flags...)
	recv := newHookReceiver(t)
	sup := a.signUp(t, "supplier", "lease_sup")
	dist := a.signUp(t, "distributor", "lease_dist")
	a.call(t, http.StatusOK, "PUT", "/v1/suppliers/"+sup.id+"/follow", dist.token, nil, nil)
	var hook struct{ Secret string }
	a.call(t, http.StatusCreated, "POST", "/v1/webhooks", dist.token,
		map[string]any{"url": recv.URL + "/hook", "events": []string{"card.published"}}, &hook)
	recv.mu.Lock()
	recv.secret = hook.Secret
	recv.mu.Unlock()
	img := a.upload(t, sup.token)

	var posted []string
	post := func(via *rstProc) {
		var card struct{ ID string }
		via.call(t, http.StatusCreated, "POST", "/v1/cards", sup.token, map[string]any{
			"title": fmt.Sprintf("lease %d", len(posted)), "image_ids": []string{img},
			"cost_price": 100, "retail_price": 200}, &card)
		posted = append(posted, card.ID)
	}
	delivered := func(bound time.Duration) {
		t.Helper()
		deadline := time.Now().Add(bound)
		for {
			got := map[string]bool{}
			for _, m := range recv.messages() {
				var msg struct {
					Data struct{ Card struct{ ID string } }
				}
				_ = json.Unmarshal(m.Body, &msg)
				got[msg.Data.Card.ID] = true
			}
			missing := 0
			for _, id := range posted {
				if !got[id] {
					missing++
				}
			}
			if missing == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d cards not delivered by webhook within %v", missing, len(posted), bound)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	post(a)
	delivered(30 * time.Second) // A is alone: it holds the lease
	b := rstStart(t, bin, t.TempDir(), flags...)
	post(b)
	delivered(30 * time.Second) // A still holds it and sees B's commit
	a.kill(t)
	for range 3 {
		post(b)
	}
	delivered(60 * time.Second) // B took the lease over
	seen := map[string]bool{}
	for _, m := range recv.messages() {
		if seen[m.ID] {
			// At least once is the contract; a repeat must keep its
			// webhook-id, so receivers can drop it.
			continue
		}
		seen[m.ID] = true
	}
	if len(seen) < len(posted) {
		t.Fatalf("%d distinct webhook-ids for %d cards", len(seen), len(posted))
	}
}
