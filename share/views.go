package share

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// ViewCounter counts the people who open share pages, over a window,
// without storing personal data. Only a person's load counts (Visit.IsView:
// no HEAD, prefetch, link-preview fetcher or crawler). A visitor is known
// by a hash of (random per-process salt, share ID, network, user agent),
// kept in memory for the window, so one visitor counts once. The network
// is the address (IPv6: its /64), and one network counts at most
// MaxViewsPerAddress visitors of a share per window: rotating user agents
// from one place cannot inflate a count past that, while a family or an
// office behind one NAT address still counts a few people. Only the counts
// reach the database, in batches every few seconds, so a busy page costs
// no write per view.
type ViewCounter struct {
	store  Store
	window time.Duration
	salt   [32]byte
	now    func() time.Time // replaceable in tests

	mu      sync.Mutex
	seen    map[[16]byte]time.Time    // visitor → end of its window
	places  map[[16]byte]networkViews // (share, network) → visitors counted
	pending map[string]int64
}

// networkViews is how many visitors from one network were counted for one
// share, in the window that ends at until.
type networkViews struct {
	n     int
	until time.Time
}

// MaxViewsPerAddress caps the views one network adds to one share per
// window.
const MaxViewsPerAddress = 3

// maxSeen bounds the de-duplication memory; past it, old entries are
// dropped early rather than letting a flood of visitors grow the maps.
const maxSeen = 1_000_000

// NewViewCounter returns a counter that flushes into store.
func NewViewCounter(store Store, window time.Duration) *ViewCounter {
	v := &ViewCounter{store: store, window: window, now: time.Now,
		seen: map[[16]byte]time.Time{}, places: map[[16]byte]networkViews{}, pending: map[string]int64{}}
	_, _ = rand.Read(v.salt[:])
	return v
}

// Count records one request for a share page and reports whether it
// counted as a view: a person (Visit.IsView) not seen within the window,
// from a network under its cap for this share.
func (v *ViewCounter) Count(shareID string, visit Visit) bool {
	if !visit.IsView() {
		return false
	}
	network := addressKey(visit.Address)
	visitor, place := v.key(shareID, network, visit.UserAgent), v.key(shareID, network)
	now := v.now()
	v.mu.Lock()
	defer v.mu.Unlock()
	if until, ok := v.seen[visitor]; ok && now.Before(until) {
		return false
	}
	counted := v.places[place]
	if !now.Before(counted.until) {
		counted = networkViews{until: now.Add(v.window)}
	}
	if counted.n >= MaxViewsPerAddress {
		return false
	}
	if len(v.seen) >= maxSeen || len(v.places) >= maxSeen {
		v.pruneLocked(now.Add(v.window))
	}
	counted.n++
	v.places[place] = counted
	v.seen[visitor] = now.Add(v.window)
	v.pending[shareID]++
	return true
}

// key hashes the salt and parts into a map key that tells nothing about
// the parts without the salt, which never leaves the process.
func (v *ViewCounter) key(parts ...string) [16]byte {
	h := sha256.New()
	h.Write(v.salt[:])
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var k [16]byte
	copy(k[:], h.Sum(nil))
	return k
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
	v.pruneLocked(v.now())
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

// pruneLocked forgets visitors and networks whose window ends before
// cutoff.
func (v *ViewCounter) pruneLocked(cutoff time.Time) {
	for k, until := range v.seen {
		if until.Before(cutoff) {
			delete(v.seen, k)
		}
	}
	for k, counted := range v.places {
		if counted.until.Before(cutoff) {
			delete(v.places, k)
		}
	}
}
