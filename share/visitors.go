package share

import (
	"context"
	"sync"
	"time"
)

// memoryVisitors is the Visitors of one process: two maps, forgotten on
// restart, which is right while one node serves every share page.
type memoryVisitors struct {
	mu         sync.Mutex
	seen       map[[16]byte]time.Time    // visitor → end of its window
	places     map[[16]byte]networkViews // (share, network) → visitors counted
	lastPruned time.Time
}

// networkViews is how many visitors from one network were counted for one
// share, in the window that ends at until.
type networkViews struct {
	n     int
	until time.Time
}

// maxSeen bounds the de-duplication memory; past it, old entries are
// dropped early rather than letting a flood of visitors grow the maps.
const maxSeen = 1_000_000

func newMemoryVisitors() *memoryVisitors {
	return &memoryVisitors{seen: map[[16]byte]time.Time{}, places: map[[16]byte]networkViews{}}
}

// Admit implements Visitors; it never fails.
func (m *memoryVisitors) Admit(_ context.Context, visitor, place [16]byte, now time.Time, window time.Duration, max int) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Sub(m.lastPruned) >= time.Minute {
		m.prune(now)
		m.lastPruned = now
	}
	if until, ok := m.seen[visitor]; ok && now.Before(until) {
		return false, nil
	}
	counted := m.places[place]
	if !now.Before(counted.until) {
		counted = networkViews{until: now.Add(window)}
	}
	if counted.n >= max {
		return false, nil
	}
	if len(m.seen) >= maxSeen || len(m.places) >= maxSeen {
		m.prune(now.Add(window))
	}
	counted.n++
	m.places[place] = counted
	m.seen[visitor] = now.Add(window)
	return true, nil
}

// prune forgets visitors and networks whose window ends before cutoff.
func (m *memoryVisitors) prune(cutoff time.Time) {
	for k, until := range m.seen {
		if until.Before(cutoff) {
			delete(m.seen, k)
		}
	}
	for k, counted := range m.places {
		if counted.until.Before(cutoff) {
			delete(m.places, k)
		}
	}
}
