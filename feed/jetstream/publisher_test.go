package jetstream

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Ensure that a publish while NATS is down keeps retrying only as long as
// its context allows, returns the context's error (so the relay hands the
// change on again later), and that the next attempt after the server is
// back stores the change.
func TestPublisher_RetriesUntilItsContextEnds(t *testing.T) {
	ns := startNATS(t)
	_, js := ns.connect(t)
	cfg := StreamConfig{LogID: "retry"}
	pub, err := NewPublisher(bg, js, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ns.stop()
	ctx, cancel := context.WithTimeout(bg, 700*time.Millisecond)
	defer cancel()
	returned := make(chan error, 1)
	go func() { returned <- pub.Handle(ctx, benchChange(1)) }()
	select {
	case err := <-returned:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Handle with NATS down = %v; want the context's deadline", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Handle did not return within 10 s of a 0.7 s context")
	}
	ns.start()
	ctx, cancel = context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	if err := pub.Handle(ctx, benchChange(1)); err != nil {
		t.Fatalf("Handle after the server came back = %v", err)
	}
	stream, err := js.Stream(ctx, cfg.StreamName())
	if err != nil {
		t.Fatal(err)
	}
	if n := stream.CachedInfo().State.Msgs; n != 1 {
		t.Fatalf("the stream holds %d messages; want 1", n)
	}
}
