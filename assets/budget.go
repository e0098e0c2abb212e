package assets

import (
	"context"
	"sync"
)

// memoryBudget admits work by the bytes of memory it will hold, so that
// what all admitted work holds together never exceeds total. Waiters are
// admitted in the order they arrived: a large photo waits for room, and a
// stream of small ones cannot overtake it for ever. It is safe for
// concurrent use.
type memoryBudget struct {
	total int64

	mu    sync.Mutex
	used  int64
	peak  int64 // the most ever held at once; tests read it
	queue []*budgetWaiter
}

type budgetWaiter struct {
	n     int64
	ready chan struct{} // closed once the bytes are held for the waiter
}

// acquire waits until n bytes fit in the budget and holds them, or returns
// ctx's error if ctx ends first. n must be at most total: the caller
// refuses larger work, which could never be admitted.
func (b *memoryBudget) acquire(ctx context.Context, n int64) error {
	b.mu.Lock()
	if len(b.queue) == 0 && b.used+n <= b.total {
		b.hold(n)
		b.mu.Unlock()
		return nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	b.queue = append(b.queue, w)
	b.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-w.ready: // admitted just as ctx ended: give the bytes back
		b.used -= n
	default:
		for i, q := range b.queue {
			if q == w {
				b.queue = append(b.queue[:i], b.queue[i+1:]...)
				break
			}
		}
	}
	b.admitWaiting() // the head may have left, or bytes come back
	return ctx.Err()
}

// release gives back n bytes held by acquire and admits whoever now fits.
func (b *memoryBudget) release(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	b.admitWaiting()
}

// admitWaiting admits waiters from the head of the queue while they fit.
// b.mu must be held.
func (b *memoryBudget) admitWaiting() {
	for len(b.queue) > 0 && b.used+b.queue[0].n <= b.total {
		w := b.queue[0]
		b.queue = b.queue[1:]
		b.hold(w.n)
		close(w.ready)
	}
}

// hold counts n more bytes as held. b.mu must be held.
func (b *memoryBudget) hold(n int64) {
	b.used += n
	b.peak = max(b.peak, b.used)
}
