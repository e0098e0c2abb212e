package feed_test

import (
	"context"
	"testing"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// Ensure that the hand-over from replay to live neither loses nor repeats
// an event, whatever point of the replay a card is committed at: before the
// subscription exists, while it buffers, during the store read, right after
// the store read, between replay and Start, and after Start.
func TestSubscription_HandshakeNoLossNoDuplicate(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	d := e.world.Distributor("dist")
	e.world.Follow(s, d, catalog.StateActive, "standard")
	_, cursor, _ := e.svc.Events(bg, d, "", 10)

	var want []string
	post := func() { want = append(want, e.world.Post(s, 1000, nil).ID) }
	post() // offline: replay only
	post()
	k := &sink{}
	sub, err := e.hub.Attach(bg, d, k)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	// Buffered, and in the store.
	post()
	// Committed just before the store read: replayed; the buffered copy is dropped.
	e.store.BeforeChanges = once(post)
	// Committed just after the store read: only in the buffer.
	e.store.AfterChanges = once(post)
	resume, err := e.svc.Replay(bg, d, cursor, func(frames [][]byte) error {
		for _, f := range frames {
			k.Send(f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	k.Send(feed.ReadyFrame(resume.Cursor))
	post() // between replay and Start: buffered, flushed by Start
	sub.Start(resume.Seq)
	post() // live

	var got []string
	var seqs []uint64
	for _, ev := range decodeAll(t, k.got()) {
		if ev.Type == feed.TypeReady {
			continue
		}
		got = append(got, ev.Card.ID)
		seq, _ := feed.ParseCursor(ev.Cursor, feed.LogInfo{ID: e.logID, Last: 1 << 62})
		seqs = append(seqs, seq)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d cards, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] || (i > 0 && seqs[i] <= seqs[i-1]) {
			t.Fatalf("card %d: got %s (seq %v), want %s", i, got[i], seqs, want[i])
		}
	}
}

// Ensure that a connection without a cursor starts exactly at the current
// position: buffered events up to it are dropped, later ones are sent.
func TestSubscription_StartFromNow(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	d := e.world.Distributor("dist")
	e.world.Follow(s, d, catalog.StateActive, "standard")
	k := &sink{}
	sub, _ := e.hub.Attach(bg, d, k)
	defer sub.Close()
	e.world.Post(s, 1000, nil)
	now, err := e.svc.Replay(bg, d, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	later := e.world.Post(s, 1000, nil)
	sub.Start(now.Seq)
	got := decodeAll(t, k.got())
	if len(got) != 1 || got[0].Card.ID != later.ID {
		t.Fatalf("got %+v", got)
	}
}

// Ensure that a follow change committed while Attach loads follows wins
// over the (older) loaded state, so the new supplier's cards arrive live.
func TestHub_FollowDuringAttach(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	d := e.world.Distributor("dist")
	follows := &hookedFollows{FollowStore: e.store}
	hub := feed.NewHub(e.logID, e.bus, follows, nil)
	defer hub.Stop()
	follows.afterRead = func() { e.world.Follow(s, d, catalog.StateActive, "standard") }
	k := &sink{}
	sub, err := hub.Attach(bg, d, k)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	sub.Start(0)
	e.world.Post(s, 1000, nil)
	got := decodeAll(t, k.got())
	if len(got) != 2 || got[0].Type != "follow.changed" || got[1].Type != "card.published" {
		t.Fatalf("got %+v", got)
	}
}

// Ensure that a subscription whose replay falls too far behind is closed
// as slow instead of buffering without bound.
func TestSubscription_BufferBounded(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	d := e.world.Distributor("dist")
	e.world.Follow(s, d, catalog.StateActive, "standard")
	k := &sink{}
	sub, _ := e.hub.Attach(bg, d, k)
	defer sub.Close()
	for i := 0; i < 1100; i++ {
		e.world.Post(s, 1000, nil)
	}
	if k.closedWith() != feed.CloseSlow {
		t.Fatalf("closed with %d", k.closedWith())
	}
}

// hookedFollows runs afterRead once, after Following has read (stale) data
// and before it returns it.
type hookedFollows struct {
	catalog.FollowStore
	afterRead func()
}

func (h *hookedFollows) Following(ctx context.Context, id string) ([]catalog.Follow, error) {
	follows, err := h.FollowStore.Following(ctx, id)
	if h.afterRead != nil {
		h.afterRead()
		h.afterRead = nil
	}
	return follows, err
}

func once(fn func()) func() {
	done := false
	return func() {
		if !done {
			done = true
			fn()
		}
	}
}

// Ensure that a change the replay already delivered is not sent again when
// it reaches the hub only after Start (it was visible to the replay's read
// before it was published).
func TestSubscription_LatePublication(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	d := e.world.Distributor("dist")
	e.world.Follow(s, d, catalog.StateActive, "standard")
	k := &sink{}
	late := &lateBus{}
	hub := feed.NewHub(e.logID, late, e.store, nil)
	sub, _ := hub.Attach(bg, d, k)
	defer sub.Close()
	c := e.world.Post(s, 1000, nil) // committed; its publication to hub is held back
	resume, _ := e.svc.Replay(bg, d, feed.FormatCursor(e.logID, 1), func([][]byte) error { return nil })
	sub.Start(resume.Seq)
	late.fn(catalog.Change{Seq: resume.Seq, Kind: catalog.CardPublished, SupplierID: s.ID, Card: &c, Supplier: s.Publisher()})
	if n := len(k.got()); n != 0 {
		t.Fatalf("the replayed change was sent again (%d frames)", n)
	}
}

// lateBus lets a test publish a change to the hub whenever it likes.
type lateBus struct{ fn func(catalog.Change) }

func (b *lateBus) Publish(c catalog.Change)                 { b.fn(c) }
func (b *lateBus) Subscribe(fn func(catalog.Change)) func() { b.fn = fn; return func() {} }
