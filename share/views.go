package share

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"log/slog"
	"sync"
	"time"
)

// ViewCounter counts the people who open share pages, over a window,
// without storing personal data. Only a person's load counts (Visit.IsView:
// no HEAD, prefetch, link-preview fetcher or crawler). A visitor is known
// by a hash of (salt, share ID, network, user agent), remembered for the
// window, so one visitor counts once. The network is the address (IPv6:
// its /64), and one network counts at most MaxViewsPerAddress visitors of
// a share per window: rotating user agents from one place cannot inflate
// a count past that, while a family or an office behind one NAT address
// still counts a few people. Only the counts reach the database, in
// batches every few seconds, so a busy page costs no write per view.
//
// By default the visitors are remembered in this process's memory with a
// random salt, which is right for one node; several nodes share them with
// ShareVisitors, so that a visitor counted by one node is not counted
// again by another.
type ViewCounter struct {
	store  Store
	window time.Duration
	salt   [32]byte
	now    func() time.Time // replaceable in tests

	// visitors decides who counts; local is this process's own memory,
	// the default, and the fallback when a shared ledger fails.
	visitors Visitors
	local    *memoryVisitors
	log      *slog.Logger

	mu      sync.Mutex
	pending map[string]int64
}

// Visitors remembers, for a window, which visitors were counted for each
// share and how many from each network. The keys are opaque salted hashes
// (16 bytes); the ledger never sees an address or a user agent.
type Visitors interface {
	// Admit reports whether visitor, coming from place (a share seen from
	// one network), counts as a view at now: visitor was not admitted in
	// the window before now, and place has admitted fewer than max
	// visitors in its window (which starts with its first admitted
	// visitor). An admitted visitor is remembered until now+window; one
	// refused is not remembered.
	Admit(ctx context.Context, visitor, place [16]byte, now time.Time, window time.Duration, max int) (bool, error)
}

// MaxViewsPerAddress caps the views one network adds to one share per
// window.
const MaxViewsPerAddress = 3

// visitorsTimeout bounds a shared ledger's answer: a page view waits for
// it, and past it the node counts on its own.
const visitorsTimeout = 2 * time.Second

// NewViewCounter returns a counter that flushes into store and remembers
// visitors in this process's memory.
func NewViewCounter(store Store, window time.Duration) *ViewCounter {
	local := newMemoryVisitors()
	v := &ViewCounter{store: store, window: window, now: time.Now,
		visitors: local, local: local, log: slog.New(slog.DiscardHandler), pending: map[string]int64{}}
	_, _ = rand.Read(v.salt[:])
	return v
}

// ShareVisitors makes the counter remember visitors in ledger, which
// several nodes share, instead of in this process's memory. salt must be
// the same on every node (VisitorSalt derives it from the secret key they
// share) and must not be stored beside the ledger: it is what keeps the
// ledger's hashes from naming the visitors, whose addresses and user
// agents are few enough to guess. When the ledger fails, the node counts
// with its own memory until it answers again (a visitor may then count
// once per node), and log says so. Call it before the first Count.
func (v *ViewCounter) ShareVisitors(ledger Visitors, salt [32]byte, log *slog.Logger) {
	v.visitors, v.salt = ledger, salt
	if log != nil {
		v.log = log
	}
}

// VisitorSalt derives the salt of ShareVisitors from the secret key every
// node has (the key that encrypts consignees), with HMAC-SHA256, so that
// the salt is never stored and is the same on every node.
func VisitorSalt(secretKey []byte) [32]byte {
	mac := hmac.New(sha256.New, secretKey)
	mac.Write([]byte("weigong share visitors v1"))
	var salt [32]byte
	copy(salt[:], mac.Sum(nil))
	return salt
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
	ctx, cancel := context.WithTimeout(context.Background(), visitorsTimeout)
	defer cancel()
	counted, err := v.visitors.Admit(ctx, visitor, place, now, v.window, MaxViewsPerAddress)
	if err != nil {
		v.log.Warn("shared visitor ledger failed; counting on this node alone", "err", err)
		counted, _ = v.local.Admit(ctx, visitor, place, now, v.window, MaxViewsPerAddress)
	}
	if !counted {
		return false
	}
	v.mu.Lock()
	v.pending[shareID]++
	v.mu.Unlock()
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
