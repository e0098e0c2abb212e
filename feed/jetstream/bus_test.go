package jetstream

import (
	"context"
	"os"
	"testing"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed/internal/feedtest"
)

// Ensure that every change published by one relay reaches the hubs of two
// nodes once each and in order.
func TestBus_TwoNodesGetEveryChangeOnceInOrder(t *testing.T) {
	ns, db := startNATS(t), feedtest.OpenBolt(t)
	w, s, d := world(t, db)
	a, b := startNode(t, ns, db, d), startNode(t, ns, db, d)
	startRelay(t, ns, db, nil)
	wantCards(t, w, s, post(w, s, 50), a, b)
}

// Ensure that two relays publishing the same changes (every node runs
// one) put each change in the stream once: JetStream drops the second
// copy by message ID, not only the hubs by Seq.
func TestBus_SameChangeFromTwoRelaysIsStoredOnce(t *testing.T) {
	ns, db := startNATS(t), feedtest.OpenBolt(t)
	w, s, d := world(t, db)
	a, b := startNode(t, ns, db, d), startNode(t, ns, db, d)
	before, _ := db.Log(bg)
	startRelay(t, ns, db, nil)
	startRelay(t, ns, db, nil)
	wantCards(t, w, s, post(w, s, 30), a, b)
	after, _ := db.Log(bg)
	_, js := ns.connect(t)
	stream, err := js.Stream(bg, StreamConfig{LogID: before.ID}.StreamName())
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(bg)
	if err != nil {
		t.Fatal(err)
	}
	if want := after.Last - before.Last; info.State.Msgs != want {
		t.Fatalf("the stream holds %d messages; want %d, one per change", info.State.Msgs, want)
	}
}

// Ensure that changes JetStream never delivers (lost after its ack, as
// Jepsen found possible) still reach every hub: the hub refills the jump
// in Seq from the database.
func TestBus_ChangesTheStreamLostAreReadFromTheStore(t *testing.T) {
	ns, db := startNATS(t), feedtest.OpenBolt(t)
	w, s, d := world(t, db)
	a, b := startNode(t, ns, db, d), startNode(t, ns, db, d)
	start, _ := db.Log(bg)
	lost := map[uint64]bool{start.Last + 3: true, start.Last + 4: true, start.Last + 9: true}
	startRelay(t, ns, db, func(h func(context.Context, catalog.Change) error) func(context.Context, catalog.Change) error {
		return func(ctx context.Context, c catalog.Change) error {
			if lost[c.Seq] {
				return nil // acknowledged, then lost
			}
			return h(ctx, c)
		}
	})
	wantCards(t, w, s, post(w, s, 10), a, b)
}

// Ensure that a node whose consumer was away while the stream was purged
// gets what it missed from the database as soon as it comes back.
func TestBus_ConsumerBackAfterAPurgeMissesNothing(t *testing.T) {
	ns, db := startNATS(t), feedtest.OpenBolt(t)
	w, s, d := world(t, db)
	a, b := startNode(t, ns, db, d), startNode(t, ns, db, d)
	startRelay(t, ns, db, nil)
	first := post(w, s, 3)
	b.sink.waitFrames(t, 3)
	b.stop()
	missed := post(w, s, 4)
	a.sink.waitFrames(t, 7) // the relay has published them
	info, _ := db.Log(bg)
	_, js := ns.connect(t)
	stream, err := js.Stream(bg, StreamConfig{LogID: info.ID}.StreamName())
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Purge(bg); err != nil {
		t.Fatal(err)
	}
	b.run(t, b.consumer.Last())
	// Read from the log at once, not only when the next change arrives.
	if got := b.sink.waitFrames(t, 7); len(got) != 7 {
		t.Fatalf("the node back got %d frames before anything new; want 7", len(got))
	}
	wantCards(t, w, s, append(first, missed...), a, b)
}

// Ensure that consumers ride out a restart of the server (same files):
// changes committed while it was down reach every hub once it is back.
func TestBus_ServerRestartMissesNothing(t *testing.T) {
	ns, db := startNATS(t), feedtest.OpenBolt(t)
	w, s, d := world(t, db)
	a, b := startNode(t, ns, db, d), startNode(t, ns, db, d)
	startRelay(t, ns, db, nil)
	first := post(w, s, 3)
	a.sink.waitFrames(t, 3)
	ns.stop()
	during := post(w, s, 3)
	ns.start()
	wantCards(t, w, s, append(first, during...), a, b)
}

// Ensure that a server that comes back without its files (the stream and
// its sequence numbers gone) costs nothing: the stream is made again and
// the consumers start again from the database, rather than waiting for
// stream sequences the new stream will reach only much later.
func TestBus_ServerThatLostItsFilesMissesNothing(t *testing.T) {
	ns, db := startNATS(t), feedtest.OpenBolt(t)
	w, s, d := world(t, db)
	a, b := startNode(t, ns, db, d), startNode(t, ns, db, d)
	startRelay(t, ns, db, nil)
	first := post(w, s, 5)
	a.sink.waitFrames(t, 5)
	b.sink.waitFrames(t, 5)
	ns.stop()
	if err := os.RemoveAll(ns.dir); err != nil {
		t.Fatal(err)
	}
	ns.start()
	wantCards(t, w, s, append(first, post(w, s, 2)...), a, b)
}
