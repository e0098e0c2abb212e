package jetstream

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/internal/feedtest"
	"github.com/weigong/weigong/storage"
)

var bg = context.Background()

// natsServer is an embedded JetStream server that a test can restart on
// the same address, with or without its files.
type natsServer struct {
	t    *testing.T
	dir  string
	addr string
	srv  *server.Server
}

func startNATS(t *testing.T) *natsServer {
	t.Helper()
	s := &natsServer{t: t, dir: t.TempDir(), addr: "127.0.0.1:0"}
	s.start()
	s.addr = s.srv.Addr().String()
	t.Cleanup(func() { s.srv.Shutdown(); s.srv.WaitForShutdown() })
	return s
}

func (s *natsServer) start() {
	s.t.Helper()
	srv, err := RunServer(ServerConfig{Addr: s.addr, Dir: s.dir})
	if err != nil {
		s.t.Fatal(err)
	}
	s.srv = srv
}

func (s *natsServer) url() string { return "nats://" + s.addr }

// stop shuts the server down and waits until it has.
func (s *natsServer) stop() {
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
}

// connect opens a client connection closed at the end of the test.
func (s *natsServer) connect(t *testing.T) (*nats.Conn, natsjs.JetStream) {
	t.Helper()
	nc, js, err := Connect(s.url(), t.Name(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc, js
}

// node is one Weigong node's feed: its consumer, local bus and hub, and
// one connection of a distributor on it.
type node struct {
	consumer *Consumer
	hub      *feed.Hub
	sink     *sink
	cancel   context.CancelFunc
	done     chan struct{}
}

// startNode wires a node the way `weigong serve --bus` does: the hub
// subscribes to a LocalBus, the consumer feeds it, gaps are refilled from
// db. The distributor's connection starts live at the log's end.
func startNode(t *testing.T, ns *natsServer, db *storage.DB, d catalog.Account) *node {
	t.Helper()
	info, err := db.Log(bg)
	if err != nil {
		t.Fatal(err)
	}
	_, js := ns.connect(t)
	bus := feed.NewLocalBus()
	hub := feed.NewHub(info.ID, bus, db, nil)
	hub.RepairGapsFrom(db)
	t.Cleanup(hub.Stop)
	n := &node{hub: hub, sink: &sink{}, consumer: NewConsumer(js, StreamConfig{LogID: info.ID}, bus, db, nil)}
	sub, err := hub.Attach(bg, d, n.sink)
	if err != nil {
		t.Fatal(err)
	}
	sub.Start(info.Last)
	t.Cleanup(sub.Close)
	n.run(t, info.Last)
	return n
}

// run starts the consumer after the log position from; the test's end
// stops it.
func (n *node) run(t *testing.T, from uint64) {
	t.Helper()
	ctx, cancel := context.WithCancel(bg)
	if err := n.consumer.Start(ctx, from); err != nil {
		cancel()
		t.Fatal(err)
	}
	n.cancel, n.done = cancel, make(chan struct{})
	go func() { defer close(n.done); _ = n.consumer.Run(ctx) }()
	t.Cleanup(n.stop)
}

// stop stops the consumer and waits for it.
func (n *node) stop() {
	n.cancel()
	<-n.done
}

// startRelay runs a relay (a tailer of db from its end) that publishes
// through its own connection; handle, when set, wraps the publisher.
func startRelay(t *testing.T, ns *natsServer, db *storage.DB, wrap func(h func(context.Context, catalog.Change) error) func(context.Context, catalog.Change) error) {
	t.Helper()
	info, _ := db.Log(bg)
	_, js := ns.connect(t)
	pub, err := NewPublisher(bg, js, StreamConfig{LogID: info.ID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	handle := pub.Handle
	if wrap != nil {
		handle = wrap(handle)
	}
	relay := &feed.Tailer{Log: db, Handle: handle}
	if err := relay.Start(bg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	done := make(chan struct{})
	go func() { defer close(done); _ = relay.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// sink records the frames of one connection.
type sink struct {
	mu     sync.Mutex
	frames [][]byte
}

func (s *sink) Send(frame []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frames = append(s.frames, frame)
	return true
}

func (s *sink) Close(int, string) {}

// cardIDs returns the card IDs of the frames received so far.
func (s *sink) cardIDs(t *testing.T) []string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, len(s.frames))
	for i, f := range s.frames {
		var e struct {
			Card struct {
				ID string `json:"id"`
			} `json:"card"`
		}
		if err := json.Unmarshal(f, &e); err != nil {
			t.Fatalf("frame %s: %v", f, err)
		}
		ids[i] = e.Card.ID
	}
	return ids
}

// waitFrames waits up to 20 s until the sink holds n frames and returns
// their card IDs.
func (s *sink) waitFrames(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ids := s.cardIDs(t)
		if len(ids) >= n || time.Now().After(deadline) {
			return ids
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// world is a supplier and a distributor that follows it.
func world(t *testing.T, db *storage.DB) (feedtest.World, catalog.Account, catalog.Account) {
	w := feedtest.World{T: t, Stores: db}
	s, d := w.Supplier("factory"), w.Distributor("shop")
	w.Follow(s, d, catalog.StateActive, "standard")
	return w, s, d
}

// post posts n cards and returns their IDs in order.
func post(w feedtest.World, s catalog.Account, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = w.Post(s, 1000, nil).ID
	}
	return ids
}

// wantCards checks that every node's connection got exactly want, in
// order: it posts one more card and waits for it, so a repeat or a stray
// frame before it would show.
func wantCards(t *testing.T, w feedtest.World, s catalog.Account, want []string, nodes ...*node) {
	t.Helper()
	want = append(append([]string(nil), want...), post(w, s, 1)...)
	for i, n := range nodes {
		got := n.sink.waitFrames(t, len(want))
		if len(got) != len(want) {
			t.Fatalf("node %d got %d frames; want %d", i, len(got), len(want))
		}
		for j := range want {
			if got[j] != want[j] {
				t.Fatalf("node %d frame %d is card %s; want %s (order or repeat)", i, j, got[j], want[j])
			}
		}
	}
}
