package main

import (
	"context"
	"image/color"
	"regexp"
	"strings"
	"testing"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"
	"github.com/weigong/weigong/feed/jetstream"
)

// natsProcess is `weigong nats` run in the test (runNATS), restartable on
// the same address and directory.
type natsProcess struct {
	t      *testing.T
	cfg    jetstream.ServerConfig
	URL    string
	cancel context.CancelFunc
	done   chan error
}

func startNATS(t *testing.T) *natsProcess {
	t.Helper()
	p := &natsProcess{t: t, cfg: jetstream.ServerConfig{Addr: "127.0.0.1:0", Dir: t.TempDir()}}
	p.start()
	p.cfg.Addr = strings.TrimPrefix(p.URL, "nats://")
	t.Cleanup(p.stop)
	return p
}

// start runs the server and waits (up to 20 s) for the URL it prints.
func (p *natsProcess) start() {
	p.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	p.cancel, p.done = cancel, make(chan error, 1)
	go func() { p.done <- runNATS(ctx, p.cfg, out) }()
	url := regexp.MustCompile(`JetStream on (nats://\S+)`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := url.FindStringSubmatch(out.String()); m != nil {
			p.URL = m[1]
			return
		}
		select {
		case err := <-p.done:
			p.t.Fatalf("weigong nats exited: %v", err)
		default:
		}
	}
	p.t.Fatal("weigong nats did not start within 20 s")
}

// stop ends the server and waits for it; it is safe to call twice.
func (p *natsProcess) stop() {
	if p.cancel == nil {
		return
	}
	p.cancel()
	p.cancel = nil
	select {
	case err := <-p.done:
		if err != nil {
			p.t.Errorf("weigong nats: %v", err)
		}
	case <-time.After(20 * time.Second):
		p.t.Error("weigong nats did not stop within 20 s")
	}
}

// client connects to the server for the rest of the test; calls with
// the context it returns are bounded by 10 s.
func (p *natsProcess) client(t *testing.T) (natsjs.JetStream, context.Context) {
	t.Helper()
	nc, js, err := jetstream.Connect(p.URL, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return js, ctx
}

// streamMessages returns how many messages the stream of a log holds.
func (p *natsProcess) streamMessages(t *testing.T) uint64 {
	t.Helper()
	js, ctx := p.client(t)
	var n uint64
	for names := js.StreamNames(ctx); ; {
		select {
		case name, ok := <-names.Name():
			if !ok {
				return n
			}
			s, err := js.Stream(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			n += s.CachedInfo().State.Msgs
		case <-ctx.Done():
			t.Fatal("listing streams timed out")
		}
	}
}

// TestNats_StartsAndTakesAPublish ensures that `weigong nats` serves
// JetStream: a stream can be made and a publish is acknowledged.
func TestNats_StartsAndTakesAPublish(t *testing.T) {
	p := startNATS(t)
	js, ctx := p.client(t)
	cfg := jetstream.StreamConfig{LogID: "0123abcd"}
	if _, err := jetstream.EnsureStream(ctx, js, cfg); err != nil {
		t.Fatal(err)
	}
	ack, err := js.Publish(ctx, cfg.Subject(), []byte(`{}`), natsjs.WithMsgID(cfg.MsgID(1)))
	if err != nil || ack.Stream != cfg.StreamName() || ack.Sequence != 1 {
		t.Fatalf("publish = %+v, %v; want sequence 1 in %s", ack, err, cfg.StreamName())
	}
}

// TestServe_BusCarriesChangesThroughJetStream ensures that a node with
// --bus delivers live changes through the stream: a card posted while
// NATS is down is accepted at once and reaches the open websocket when
// NATS is back, and the stream holds it.
func TestServe_BusCarriesChangesThroughJetStream(t *testing.T) {
	p := startNATS(t)
	n := startNode(t, t.TempDir(), func(c *serveConfig) { c.Bus = p.URL })
	sup, dist := n.signUp("supplier", "bus_sup"), n.signUp("distributor", "bus_dist")
	n.must(200, "PUT", "/v1/suppliers/"+sup.ID+"/follow", dist.Token, nil)
	img := n.uploadImage(sup.Token, color.RGBA{30, 200, 30, 255})
	var ev struct{ Cursor string }
	n.must(200, "GET", "/v1/feed/events", dist.Token, nil).decode(t, &ev)
	var cardID string
	live := func() {
		p.stop()
		var card struct{ ID string }
		n.must(201, "POST", "/v1/cards", sup.Token, map[string]any{"title": "Bus scarf", "image_ids": []string{img},
			"cost_price": 1000, "retail_price": 2000}).decode(t, &card)
		cardID = card.ID
		p.start()
	}
	frames := n.streamFrames(t, dist.Token, ev.Cursor, 20*time.Second, live, func(f string) bool {
		return strings.Contains(f, `"card.published"`) && strings.Contains(f, cardID)
	})
	if len(frames) == 0 || cardID == "" || !strings.Contains(frames[len(frames)-1], cardID) {
		t.Fatalf("the card posted while NATS was down never arrived live; frames:\n%s", strings.Join(frames, "\n"))
	}
	if got := p.streamMessages(t); got == 0 {
		t.Fatal("the stream holds no message: the change did not travel through JetStream")
	}
}

// TestParseServeFlags_Bus ensures --bus takes NATS URLs only and that
// --bus-replicas stays within what JetStream accepts.
func TestParseServeFlags_Bus(t *testing.T) {
	t.Setenv("WEIGONG_BUS", "")
	if cfg, err := parseServeFlags(nil); err != nil || cfg.Bus != "" || cfg.BusReplicas != 1 {
		t.Fatalf("default = %q, %d, %v; want in-process, 1 replica", cfg.Bus, cfg.BusReplicas, err)
	}
	if cfg, err := parseServeFlags([]string{"--bus", "nats://10.0.0.1:4222,nats://10.0.0.2:4222", "--bus-replicas", "3"}); err != nil || cfg.BusReplicas != 3 {
		t.Fatalf("a cluster's URLs = %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{{"--bus", "http://10.0.0.1:4222"}, {"--bus", "10.0.0.1:4222"}, {"--bus-replicas", "0"}, {"--bus-replicas", "7"}} {
		if _, err := parseServeFlags(bad); err == nil {
			t.Errorf("%v was accepted", bad)
		}
	}
}
