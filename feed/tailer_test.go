package feed_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/internal/feedtest"
)

// recorder collects the Seqs a tailer hands on.
type recorder struct {
	mu   sync.Mutex
	seqs []uint64
	// block, when set, makes Handle wait until it is closed.
	block chan struct{}
}

func (r *recorder) handle(ctx context.Context, c catalog.Change) error {
	if r.block != nil {
		select {
		case <-r.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seqs = append(r.seqs, c.Seq)
	return nil
}

func (r *recorder) got() []uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]uint64(nil), r.seqs...)
}

// waitFor polls until the recorder holds n Seqs, for at most 10 s.
func (r *recorder) waitFor(t *testing.T, n int) []uint64 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if got := r.got(); len(got) >= n {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("tailer handed on %d changes within 10 s; want %d", len(r.got()), n)
	return nil
}

// runTailer runs tl until the returned stop is called; stop waits for Run
// to return.
func runTailer(t *testing.T, tl *feed.Tailer) (stop func()) {
	t.Helper()
	if err := tl.Start(bg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	done := make(chan struct{})
	go func() { defer close(done); _ = tl.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

func wantSeqs(t *testing.T, got []uint64, from, to uint64) {
	t.Helper()
	if len(got) != int(to-from+1) {
		t.Fatalf("handed on %v; want Seqs %d..%d once each", got, from, to)
	}
	for i, seq := range got {
		if seq != from+uint64(i) {
			t.Fatalf("handed on %v; want Seqs %d..%d in order", got, from, to)
		}
	}
}

// Ensure that a tailer hands on every change committed after it started,
// once each and in Seq order, and none committed before (it starts at the
// log's end).
func TestTailer_HandsOnEachChangeOnceInOrder(t *testing.T) {
	db := feedtest.OpenBolt(t)
	w := feedtest.World{T: t, Stores: db}
	s := w.Supplier("factory")
	w.Post(s, 1000, nil) // before the tailer: not handed on
	rec := &recorder{}
	runTailer(t, &feed.Tailer{Log: db, Handle: rec.handle})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				if _, err := db.SaveCard(bg, feedtest.NewCard(s, 1000, nil), catalog.CardPublished); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	wantSeqs(t, rec.waitFor(t, 100), 2, 101)
}

// Ensure that a write does not wait for delivery: with the only consumer of
// the log stuck, writes still commit and answer.
func TestTailer_StuckConsumerDoesNotDelayWrites(t *testing.T) {
	db := feedtest.OpenBolt(t)
	w := feedtest.World{T: t, Stores: db}
	s := w.Supplier("factory")
	rec := &recorder{block: make(chan struct{})}
	runTailer(t, &feed.Tailer{Log: db, Handle: rec.handle})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 50 {
			if _, err := db.SaveCard(bg, feedtest.NewCard(s, 1000, nil), catalog.CardPublished); err != nil {
				t.Error(err)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("writes waited for a stuck consumer of the change log")
	}
	close(rec.block)
	wantSeqs(t, rec.waitFor(t, 50), 1, 50)
}

// Ensure that a durable tailer stopped and started again hands on exactly
// the changes committed while it was down: none lost, none twice.
func TestTailer_Restart_DeliversWhatWasCommittedWhileDown(t *testing.T) {
	db := feedtest.OpenBolt(t)
	w := feedtest.World{T: t, Stores: db}
	s := w.Supplier("factory")
	rec := &recorder{}
	stop := runTailer(t, &feed.Tailer{Name: "webhooks", Log: db, Cursors: db, Handle: rec.handle})
	for range 10 {
		w.Post(s, 1000, nil)
	}
	wantSeqs(t, rec.waitFor(t, 10), 1, 10)
	stop()
	for range 7 {
		w.Post(s, 1000, nil) // committed while the relay is down
	}
	again := &recorder{}
	runTailer(t, &feed.Tailer{Name: "webhooks", Log: db, Cursors: db, Handle: again.handle})
	wantSeqs(t, again.waitFor(t, 7), 11, 17)
	w.Post(s, 1000, nil)
	wantSeqs(t, again.waitFor(t, 8), 11, 18)
}

// Ensure that a durable tailer away longer than the retention skips the
// pruned changes and carries on from the horizon.
func TestTailer_SkipsPrunedChanges(t *testing.T) {
	db := feedtest.OpenBolt(t)
	w := feedtest.World{T: t, Stores: db}
	s := w.Supplier("factory")
	if err := db.SaveRelayCursor(bg, "late", 0); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		w.Post(s, 1000, nil)
	}
	if _, err := db.PruneChanges(bg, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	w.Post(s, 1000, nil) // Seq 6, after the horizon
	rec := &recorder{}
	runTailer(t, &feed.Tailer{Name: "late", Log: db, Cursors: db, Handle: rec.handle})
	wantSeqs(t, rec.waitFor(t, 1), 6, 6)
}

// gappyBus delivers to the hub only the changes the test hands it, so the
// test can skip one as a lossy broker might.
type gappyBus struct{ fn func(catalog.Change) }

func (b *gappyBus) Publish(c catalog.Change) { b.fn(c) }
func (b *gappyBus) Subscribe(fn func(catalog.Change)) func() {
	b.fn = fn
	return func() {}
}

// Ensure that the hub fills a gap in Seqs from the log instead of routing
// past it, and drops a change it has already routed.
func TestHub_FillsGapFromLogAndDropsRepeats(t *testing.T) {
	db := feedtest.OpenBolt(t)
	w := feedtest.World{T: t, Stores: db}
	s, d := w.Supplier("factory"), w.Distributor("shop")
	w.Follow(s, d, catalog.StateActive, "standard")
	info, _ := db.Log(bg)
	bus := &gappyBus{}
	hub := feed.NewHub(info.ID, bus, db, nil)
	hub.RepairGapsFrom(db)
	k := &sink{}
	sub, err := hub.Attach(bg, d, k)
	if err != nil {
		t.Fatal(err)
	}
	sub.Start(info.Last)
	var changes []catalog.Change
	for range 3 {
		c := w.Post(s, 1000, nil)
		got, _ := db.LogChanges(bg, info.Last+uint64(len(changes)), 1)
		if len(got) != 1 || got[0].Card.ID != c.ID {
			t.Fatalf("log read = %+v", got)
		}
		changes = append(changes, got[0])
	}
	bus.Publish(changes[0])
	bus.Publish(changes[2]) // changes[1] was lost on the way
	bus.Publish(changes[2]) // and this one arrives twice
	frames := k.got()
	if len(frames) != 3 {
		t.Fatalf("the connection got %d frames; want 3 (the gap filled, the repeat dropped)", len(frames))
	}
	for i, f := range frames {
		if ev := decode(t, f); ev.Card.ID != changes[i].Card.ID {
			t.Fatalf("frame %d is card %s; want %s", i, ev.Card.ID, changes[i].Card.ID)
		}
	}
}
