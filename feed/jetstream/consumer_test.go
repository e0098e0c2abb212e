package jetstream

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// lockedBuffer is a log destination safe for several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Ensure that a consumer checking its stream while changes stream in does
// not take the stream for re-created (and start again, reading the log
// for nothing): messages delivered while the check's answer travels are
// newer than the answer, not a stream gone backwards.
func TestConsumer_BusyStreamIsNotTakenForReCreated(t *testing.T) {
	ns := startNATS(t)
	_, js := ns.connect(t)
	cfg := StreamConfig{LogID: "busy"}
	pub, err := NewPublisher(bg, js, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	local := feed.NewLocalBus()
	var mu sync.Mutex
	var got []uint64
	local.Subscribe(func(c catalog.Change) { mu.Lock(); got = append(got, c.Seq); mu.Unlock() })
	_, cjs := ns.connect(t)
	cons := NewConsumer(cjs, cfg, local, emptyLog{}, slog.New(slog.NewTextHandler(logs, nil)))
	cons.checkEvery = time.Millisecond
	ctx, cancel := context.WithCancel(bg)
	if err := cons.Start(ctx, 0); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = cons.Run(ctx) }()
	defer func() { cancel(); <-done }()
	const n = 400
	for seq := uint64(1); seq <= n; seq++ {
		if err := pub.Handle(bg, benchChange(seq)); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(20 * time.Second); cons.Last() < n && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if strings.Contains(logs.String(), "consumer stopped") {
		t.Fatalf("the consumer started again on a live stream:\n%s", logs)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != n || got[n-1] != n {
		t.Fatalf("received %d changes (last %v); want %d in order", len(got), got[len(got)-1:], n)
	}
}
