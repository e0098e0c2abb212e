package stream

import (
	"sync"
	"time"
)

// flusher coalesces writes across connections. Send queues a frame and
// schedules its connection here instead of handing it to the writer pool
// at once; every scheduled connection is handed over together when the hub
// has routed a change and at least FlushInterval has passed since the
// previous wake-up, or by a timer FlushInterval after the first frame was
// scheduled (frames that no change follows, such as those buffered during
// a replay).
//
// At a publication every 20 ms nothing is held back: each change is
// flushed as soon as it is routed. Under a burst, a connection's frames of
// several changes go out in one write system call, which is most of the
// server's and the client's cost per delivery (write(2) was 57 % of the
// server's CPU in the profile), so more deliveries fit in the same
// CPU at the price of up to FlushInterval of latency.
type flusher struct {
	interval time.Duration
	writers  *writerPool

	mu      sync.Mutex
	pending []*conn
	spare   []*conn
	timer   *time.Timer // armed while pending is not empty
	last    time.Time   // of the last flush
}

func newFlusher(interval time.Duration, writers *writerPool) *flusher {
	f := &flusher{interval: interval, writers: writers}
	f.timer = time.AfterFunc(time.Hour, f.flush)
	f.timer.Stop()
	return f
}

// schedule adds c to the next flush; the caller holds c.mu and has
// marked c scheduled.
func (f *flusher) schedule(c *conn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pending) == 0 {
		f.timer.Reset(f.interval)
	}
	f.pending = append(f.pending, c)
}

// routed is the hub's OnRouted hook: it flushes unless the last flush was
// less than the interval ago, in which case the timer or a later change
// will.
func (f *flusher) routed() {
	f.mu.Lock()
	due := len(f.pending) > 0 && time.Since(f.last) >= f.interval
	f.mu.Unlock()
	if due {
		f.flush()
	}
}

// flush hands every scheduled connection to the writer pool.
func (f *flusher) flush() {
	f.mu.Lock()
	batch := f.pending
	if len(batch) == 0 {
		f.mu.Unlock()
		return
	}
	f.pending, f.spare = f.spare, nil
	f.timer.Stop()
	f.last = time.Now()
	f.mu.Unlock()
	ready := batch[:0] // filtered in place
	for _, c := range batch {
		c.mu.Lock()
		c.scheduled = false
		if !c.busy && len(c.queue) > 0 {
			c.busy = true
			if c.handOff() {
				ready = append(ready, c)
			}
		}
		c.mu.Unlock()
	}
	f.writers.push(ready...)
	clear(batch)
	f.mu.Lock()
	f.spare = batch[:0]
	f.mu.Unlock()
}
