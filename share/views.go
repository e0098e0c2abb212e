package share

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// ViewCounter counts loads of share pages, de-duplicated per visitor over a
// window, without storing personal data: a visitor is known only by a hash
// of (random per-process salt, share ID, address, user agent) kept in
// memory for the window, and only the counts reach the database, in
// batches every few seconds so a busy page costs no write per view.
type ViewCounter struct {
	store  Store
	window time.Duration
	salt   [32]byte

	mu      sync.Mutex
	seen    map[[16]byte]time.Time
	pending map[string]int64
}

// maxSeen bounds the de-duplication memory; past it, old entries are
// dropped early rather than letting a flood of visitors grow the map.
const maxSeen = 1_000_000

// NewViewCounter returns a counter that flushes into store.
func NewViewCounter(store Store, window time.Duration) *ViewCounter {
	v := &ViewCounter{store: store, window: window, seen: map[[16]byte]time.Time{}, pending: map[string]int64{}}
	_, _ = rand.Read(v.salt[:])
	return v
}

// Count records one page load by visitor (e.g. address and user agent).
func (v *ViewCounter) Count(shareID, visitor string) {
	h := sha256.New()
	h.Write(v.salt[:])
	h.Write([]byte(shareID + "\x00" + visitor))
	var key [16]byte
	copy(key[:], h.Sum(nil))
	now := time.Now()
	v.mu.Lock()
	defer v.mu.Unlock()
	if until, ok := v.seen[key]; ok && now.Before(until) {
		return
	}
	if len(v.seen) >= maxSeen {
		v.pruneLocked(now.Add(v.window))
	}
	v.seen[key] = now.Add(v.window)
	v.pending[shareID]++
}

// Pending returns the views counted but not yet flushed, so that a list of
// shares is current within the flush interval.
func (v *ViewCounter) Pending(shareID string) int64 {
	if v == nil {
		return 0
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.pending[shareID]
}

// Flush writes pending counts to the store. On failure the counts are put
// back, so a view is never lost to a transient error.
func (v *ViewCounter) Flush(ctx context.Context) error {
	v.mu.Lock()
	batch := v.pending
	v.pending = map[string]int64{}
	v.pruneLocked(time.Now())
	v.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := v.store.AddViews(ctx, batch)
	if err != nil {
		v.mu.Lock()
		for id, n := range batch {
			v.pending[id] += n
		}
		v.mu.Unlock()
	}
	return err
}

// Run flushes every interval until ctx ends, then flushes once more.
func (v *ViewCounter) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			_ = v.Flush(context.Background())
			return
		case <-t.C:
			_ = v.Flush(ctx)
		}
	}
}

// pruneLocked forgets visitors whose window ends before cutoff.
func (v *ViewCounter) pruneLocked(cutoff time.Time) {
	for k, until := range v.seen {
		if until.Before(cutoff) {
			delete(v.seen, k)
		}
	}
}
