package jetstream

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// emptyLog is a change log with nothing to catch up on, so the benchmarks
// measure the stream alone.
type emptyLog struct{}

func (emptyLog) LogChanges(context.Context, uint64, int) ([]catalog.Change, error) { return nil, nil }
func (emptyLog) Changed() <-chan struct{}                                          { return nil }
func (emptyLog) Log(context.Context) (feed.LogInfo, error)                         { return feed.LogInfo{}, nil }

// benchChange is a card change of a realistic size: nine photos, level
// prices, the supplier's levels.
func benchChange(seq uint64) catalog.Change {
	card := &catalog.Card{ID: fmt.Sprintf("0190a0b0-0000-7000-8000-%012d", seq), SupplierID: "0190a0b0-0000-7000-8000-000000000001",
		Title: "夏季新款 纯棉短袖T恤 宽松百搭", Description: "面料：100%棉；尺码：S-XXL；颜色：白/黑/灰", CostPrice: 3500, RetailPrice: 6900,
		LevelPrices: map[string]int64{"gold": 3200, "vip": 3000}, Tags: []string{"T恤", "夏季"}, Version: 1,
		CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	for i := range 9 {
		card.Images = append(card.Images, catalog.Image{ID: fmt.Sprintf("0190a0b0-0000-7000-9000-%012d", i), Width: 1080, Height: 1080})
	}
	return catalog.Change{Seq: seq, Kind: catalog.CardPublished, SupplierID: card.SupplierID, At: card.CreatedAt, Card: card,
		Supplier: &catalog.Publisher{Ref: catalog.SupplierRef{ID: card.SupplierID, Handle: "factory"}, Levels: []string{"standard", "gold", "vip"}}}
}

// benchBus is one relay and one node's consumer on an embedded server
// (SyncAlways, loopback), and the node's local bus.
func benchBus(b *testing.B) (*Publisher, *feed.LocalBus, *Consumer) {
	b.Helper()
	srv, err := RunServer(ServerConfig{Addr: "127.0.0.1:0", Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	url := "nats://" + srv.Addr().String()
	cfg := StreamConfig{LogID: "bench"}
	pnc, pjs, err := Connect(url, "relay", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pnc.Close)
	pub, err := NewPublisher(bg, pjs, cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	cnc, cjs, err := Connect(url, "node", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cnc.Close)
	local := feed.NewLocalBus()
	cons := NewConsumer(cjs, cfg, local, emptyLog{}, nil)
	ctx, cancel := context.WithCancel(bg)
	if err := cons.Start(ctx, 0); err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = cons.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	return pub, local, cons
}

// latencies reports the median and 99th percentile of ds.
func latencies(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2])/1e3, "p50-µs")
	b.ReportMetric(float64(ds[len(ds)*99/100])/1e3, "p99-µs")
}

// BenchmarkPublishToReceipt measures one change's trip from the relay's
// Handle to the hub's bus, one change at a time: in one process (the
// LocalBus) and through JetStream on loopback (publish, wait for the
// fsynced ack, consumer, decode, local bus). ns/op is the mean; p50-µs
// and p99-µs the percentiles.
func BenchmarkPublishToReceipt(b *testing.B) {
	b.Run("in-process", func(b *testing.B) {
		local := feed.NewLocalBus()
		got := make(chan struct{}, 1)
		local.Subscribe(func(catalog.Change) { got <- struct{}{} })
		ds := make([]time.Duration, 0, b.N)
		for i := range b.N {
			c := benchChange(uint64(i + 1))
			start := time.Now()
			local.Publish(c)
			<-got
			ds = append(ds, time.Since(start))
		}
		latencies(b, ds)
	})
	b.Run("jetstream", func(b *testing.B) {
		pub, local, _ := benchBus(b)
		got := make(chan struct{}, 1)
		local.Subscribe(func(catalog.Change) { got <- struct{}{} })
		ds := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := range b.N {
			c := benchChange(uint64(i + 1))
			start := time.Now()
			if err := pub.Handle(bg, c); err != nil {
				b.Fatal(err)
			}
			select {
			case <-got:
			case <-time.After(10 * time.Second):
				b.Fatalf("change %d not received within 10 s", i+1)
			}
			ds = append(ds, time.Since(start))
		}
		latencies(b, ds)
	})
}

// BenchmarkRelayPublish measures how many changes per second one relay
// hands to JetStream: each publish waits for its fsynced ack before the
// next, as the relay does to keep Seq order.
func BenchmarkRelayPublish(b *testing.B) {
	pub, _, _ := benchBus(b)
	b.ResetTimer()
	for i := range b.N {
		if err := pub.Handle(bg, benchChange(uint64(i+1))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "changes/s")
}

// BenchmarkConsumerDrain measures how many changes per second a node's
// consumer takes from the stream into its local bus (fetch, decode,
// publish): the changes are stored first while the bus is held, then the
// time to drain them all is measured.
func BenchmarkConsumerDrain(b *testing.B) {
	pub, local, cons := benchBus(b)
	var hold sync.Mutex
	var received atomic.Int64
	all := make(chan struct{})
	n := int64(b.N)
	local.Subscribe(func(catalog.Change) {
		hold.Lock()
		hold.Unlock() //nolint:staticcheck // a gate, not a critical section
		if received.Add(1) == n {
			close(all)
		}
	})
	hold.Lock()
	// Store b.N changes in Seq order, as relays do, but without waiting
	// for each ack (asynchronous publishes on one connection keep their
	// order) to fill the stream quickly; the consumer is held at its first.
	for i := range b.N {
		data, err := Encode(benchChange(uint64(i + 1)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := pub.js.PublishAsync(pub.cfg.Subject(), data, natsjs.WithMsgID(pub.cfg.MsgID(uint64(i+1)))); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 || i == b.N-1 { // the client allows 4,000 acks outstanding
			select {
			case <-pub.js.PublishAsyncComplete():
			case <-time.After(time.Minute):
				b.Fatal("storing 1,000 changes took over a minute")
			}
		}
	}
	b.ResetTimer()
	hold.Unlock()
	select {
	case <-all:
	case <-time.After(5 * time.Minute):
		b.Fatalf("drained %d of %d changes in 5 min (last %d)", received.Load(), b.N, cons.Last())
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "changes/s")
}

// BenchmarkWire measures encoding and decoding one card change, the part
// of a change's trip spent on the wire form.
func BenchmarkWire(b *testing.B) {
	c := benchChange(1)
	var size int
	for b.Loop() {
		data, err := Encode(c)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "bytes")
}
