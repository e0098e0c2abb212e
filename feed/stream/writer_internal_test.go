package stream

import (
	"net"
	"sync"
	"testing"
	"time"
)

// writeRecorder is a socket that reports each Write, whole.
type writeRecorder struct {
	net.Conn // nil: only what the writer uses is implemented
	writes   chan []byte
}

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.writes <- append([]byte(nil), p...)
	return len(p), nil
}

func (w *writeRecorder) SetWriteDeadline(time.Time) error { return nil }

// countFrames counts the text frames in what the writer wrote, checking
// that it is nothing else.
func countFrames(t *testing.T, b []byte) int {
	t.Helper()
	n := 0
	for len(b) > 0 {
		if b[0] != 0x81 || b[1] >= 126 || len(b) < 2+int(b[1]) {
			t.Fatalf("not a short text frame: % x", b)
		}
		b = b[2+int(b[1]):]
		n++
	}
	return n
}

// Ensure the flusher's two regimes: a change at a quiet time is written
// at once, while changes that follow within FlushInterval are held back
// and reach the socket together in one write; frames that no routed change
// follows (a replay's buffer) are written within FlushInterval.
func TestFlusher_CoalescesBurstsOnly(t *testing.T) {
	const interval = 300 * time.Millisecond
	h := &Handler{FlushInterval: -1}
	h.init()
	h.flush = newFlusher(interval, h.writers)
	rec := &writeRecorder{writes: make(chan []byte, 10)}
	c := &conn{h: h, raw: &wire{Conn: rec}}

	expectWrite := func(within time.Duration) []byte {
		t.Helper()
		select {
		case b := <-rec.writes:
			return b
		case <-time.After(within):
			t.Fatalf("nothing written within %v", within)
			return nil
		}
	}
	expectNone := func(during time.Duration) {
		t.Helper()
		select {
		case b := <-rec.writes:
			t.Fatalf("written before the interval: % x", b)
		case <-time.After(during):
		}
	}

	start := time.Now()
	c.Send([]byte(`{"n":1}`))
	h.flush.routed()
	if n := countFrames(t, expectWrite(interval/2)); n != 1 {
		t.Fatalf("quiet change: %d frames written", n)
	}
	if d := time.Since(start); d >= interval/2 {
		t.Fatalf("quiet change waited %v", d)
	}
	// The writer that sent the first frame keeps the connection until it
	// returns; frames queued before then go out with it, not through the
	// flusher. Wait (bounded) until it let go, so the burst below is the
	// flusher's to hold.
	for deadline := time.Now().Add(time.Second); ; time.Sleep(time.Millisecond) {
		c.mu.Lock()
		busy := c.busy
		c.mu.Unlock()
		if !busy {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the writer kept the connection for a second")
		}
	}

	for _, f := range []string{`{"n":2}`, `{"n":3}`, `{"n":4}`} {
		c.Send([]byte(f))
		h.flush.routed()
	}
	expectNone(interval / 3)
	if n := countFrames(t, expectWrite(2*interval)); n != 3 {
		t.Fatalf("burst: %d frames in the first write, want all 3 in one", n)
	}

	time.Sleep(interval) // quiet again
	c.Send([]byte(`{"n":5}`))
	if n := countFrames(t, expectWrite(2*interval)); n != 1 {
		t.Fatalf("unrouted frame: %d frames written", n)
	}
}

// shortWriter takes limit bytes in all, then times out like a socket
// whose peer stopped reading.
type shortWriter struct {
	net.Conn
	limit int
	got   []byte
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func (w *shortWriter) Write(p []byte) (int, error) {
	n := min(len(p), w.limit-len(w.got))
	w.got = append(w.got, p[:n]...)
	if n < len(p) {
		return n, timeoutError{}
	}
	return n, nil
}

func (w *shortWriter) SetWriteDeadline(time.Time) error { return nil }

// Ensure that a batch cut short by a write timeout returns exactly the
// bytes that did not go out, so that the slow writer can finish the batch
// without breaking a frame: what was written plus the rest is the batch.
func TestWire_WriteFramesReturnsTheRest(t *testing.T) {
	frames := [][]byte{[]byte(`{"a":1}`), []byte(`{"b":22}`), make([]byte, 300)}
	var whole []byte
	for _, f := range frames {
		whole = appendTextFrame(whole, f)
	}
	for _, limit := range []int{0, 5, 9, 12, 100, len(whole)} {
		sw := &shortWriter{limit: limit}
		rest, err := (&wire{Conn: sw}).writeFrames(frames, time.Now())
		if got := string(append(append([]byte(nil), sw.got...), rest...)); got != string(whole) {
			t.Fatalf("limit %d: written %d + rest %d bytes differ from the batch", limit, len(sw.got), len(rest))
		}
		if (limit < len(whole)) != isTimeout(err) {
			t.Fatalf("limit %d: err %v", limit, err)
		}
	}
}

// deadlineRecorder records the write deadline in force at each Write.
type deadlineRecorder struct {
	net.Conn
	deadline time.Time
	seen     []time.Time
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error { d.deadline = t; return nil }

func (d *deadlineRecorder) Write(p []byte) (int, error) {
	d.seen = append(d.seen, d.deadline)
	return len(p), nil
}

// Ensure that a deadline gorilla sets for a control frame governs that
// frame only: a batch written in between keeps its own deadline, and the
// control frame still gets gorilla's, not the batch's.
func TestWire_DeadlinesDoNotCross(t *testing.T) {
	rec := &deadlineRecorder{}
	w := &wire{Conn: rec}
	control := time.Now().Add(10 * time.Second)
	batch := time.Now().Add(50 * time.Millisecond)
	w.SetWriteDeadline(control) // gorilla, about to write a ping
	if _, err := w.writeFrames([][]byte{[]byte(`{}`)}, batch); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{0x89, 0}) // gorilla's ping
	if len(rec.seen) != 2 || !rec.seen[0].Equal(batch) || !rec.seen[1].Equal(control) {
		t.Fatalf("deadlines at the writes: %v; want the batch's %v, then the ping's %v", rec.seen, batch, control)
	}
}

// stallOnce is a socket whose first write takes a few bytes and times
// out, like a peer on a bad network, and which takes everything after.
type stallOnce struct {
	net.Conn
	mu     sync.Mutex
	got    []byte
	writes int
}

func (s *stallOnce) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	if s.writes == 1 && len(p) > 3 {
		s.got = append(s.got, p[:3]...)
		return 3, timeoutError{}
	}
	s.got = append(s.got, p...)
	return len(p), nil
}

func (s *stallOnce) SetWriteDeadline(time.Time) error { return nil }

func (s *stallOnce) written() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.got...)
}

// Ensure that a peer that once did not take a batch within fastWriteWait
// keeps its stream intact (the rest of the cut batch goes out first) and
// is then written by a goroutine of its own, not handed to the pool again,
// so that a peer on a bad network does not stall a pool worker at every
// batch.
func TestConn_SlowPeerLeavesThePool(t *testing.T) {
	h := &Handler{FlushInterval: -1}
	h.init()
	sock := &stallOnce{}
	c := &conn{h: h, raw: &wire{Conn: sock}}
	f1, f2 := []byte(`{"n":1}`), []byte(`{"n":2}`)
	want := string(appendTextFrame(appendTextFrame(nil, f1), f2))

	idle := func() bool {
		c.mu.Lock()
		busy := c.busy
		c.mu.Unlock()
		h.writers.mu.Lock()
		defer h.writers.mu.Unlock()
		return !busy && h.writers.running == 0
	}
	c.Send(f1)
	deadline := time.Now().Add(5 * time.Second)
	for !idle() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !idle() || !time.Now().Before(c.slowUntil) {
		t.Fatalf("after the cut batch: idle %v, slow until %v", idle(), c.slowUntil)
	}

	c.Send(f2)
	h.writers.mu.Lock()
	pooled := h.writers.running > 0 || len(h.writers.ready) > h.writers.head
	h.writers.mu.Unlock()
	if pooled {
		t.Fatal("the slow peer's next batch went to the pool")
	}
	for string(sock.written()) != want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := string(sock.written()); got != want {
		t.Fatalf("stream % x, want % x", got, want)
	}
}
