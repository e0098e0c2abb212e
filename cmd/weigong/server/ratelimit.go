package server

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// RateCounter counts events per (limit, key) in sliding one-minute
// windows (RateSlot), for the rate limits of API.md "Conventions". The default,
// NewMemoryRateCounter, counts in this process: with several nodes each
// node would allow the whole limit, so a cluster gives every node one
// counter they share (package sharedstate, on PostgreSQL), and a limit of
// N a minute is then N across the cluster.
type RateCounter interface {
	// Allow records one event for key under the named limit and reports
	// whether it is within perMinute events in the sliding window; an
	// event refused is not recorded.
	Allow(ctx context.Context, limit, key string, perMinute int) (bool, error)
	// Exceeded reports whether key has used up perMinute events of the
	// named limit in the current window, without recording one.
	Exceeded(ctx context.Context, limit, key string, perMinute int) (bool, error)
}

// limiter is one limit of the API: perMinute events per key, counted by
// counter. When a shared counter fails, the node counts on its own in
// local until it answers again, so abuse protection never lapses. A nil
// limiter allows everything (rate limits turned off).
type limiter struct {
	name      string
	perMinute int
	counter   RateCounter
	local     RateCounter
	log       *slog.Logger
}

// rateCounterTimeout bounds a shared counter's answer; the request waits
// for it.
const rateCounterTimeout = 2 * time.Second

// allow records one event for key and reports whether it is within the
// limit.
func (l *limiter) allow(key string) bool {
	if l == nil {
		return true
	}
	return l.ask(key, RateCounter.Allow)
}

// exceeded reports whether key has used up its window, without counting.
func (l *limiter) exceeded(key string) bool {
	if l == nil {
		return false
	}
	return !l.ask(key, func(c RateCounter, ctx context.Context, limit, key string, perMinute int) (bool, error) {
		over, err := c.Exceeded(ctx, limit, key, perMinute)
		return !over, err
	})
}

// ask puts a question to the counter, and to the local one if it fails.
func (l *limiter) ask(key string, q func(RateCounter, context.Context, string, string, int) (bool, error)) bool {
	ctx, cancel := context.WithTimeout(context.Background(), rateCounterTimeout)
	defer cancel()
	ok, err := q(l.counter, ctx, l.name, key, l.perMinute)
	if err != nil {
		l.log.Warn("shared rate counter failed; counting on this node alone", "limit", l.name, "err", err)
		ok, _ = q(l.local, ctx, l.name, key, l.perMinute)
	}
	return ok
}

// limits are the rate limits of API.md "Conventions".
type limits struct {
	signUpPerIP       *limiter
	signInFailsHandle *limiter
	signInPerIP       *limiter
	uploads           *limiter
	shares            *limiter
	// webhookSends bounds pings and manual retries per account, so that
	// no one can use the server to flood a URL of their choosing.
	webhookSends *limiter
}

// newLimits returns the limits counted by counter (nil: in this process,
// on the clock now, nil for the wall clock).
func newLimits(enabled bool, counter RateCounter, now func() time.Time, log *slog.Logger) limits {
	if !enabled {
		return limits{}
	}
	local := NewMemoryRateCounter()
	if now != nil {
		local.now = now
	}
	if counter == nil {
		counter = local
	}
	limit := func(name string, perMinute int) *limiter {
		return &limiter{name: name, perMinute: perMinute, counter: counter, local: local, log: log}
	}
	return limits{
		signUpPerIP:       limit("sign-up-ip", 60),
		signInFailsHandle: limit("sign-in-fails-handle", 10),
		signInPerIP:       limit("sign-in-ip", 300),
		uploads:           limit("uploads", 120),
		shares:            limit("shares", 120),
		webhookSends:      limit("webhook-sends", 60),
	}
}

// The windows slide. Time is cut into six-second slots, and an event
// counts against its limit while its slot is the current one or one of
// the ten before it: every event of the last 60 s, and at most 6 s more.
// So N events in any 60 s refuse the next one, wherever the minute
// boundary falls (fixed windows allowed 2N across a boundary, and reset a
// count in the middle of a burst), and a key quiet for 66 s has its whole
// limit again. sharedstate.State counts the same slots in PostgreSQL.
const (
	RateSlot         = 6 * time.Second
	RateSlotsCounted = 11
)

// rateSlotOf is the number of the slot that holds t.
func rateSlotOf(t time.Time) int64 { return t.UnixNano() / int64(RateSlot) }

// MemoryRateCounter is the RateCounter of one process: sliding windows
// per limit, each counting at most 100,000 keys. Make one with
// NewMemoryRateCounter.
type MemoryRateCounter struct {
	mu      sync.Mutex
	windows map[string]*window
	now     func() time.Time
}

// NewMemoryRateCounter returns an empty counter on the wall clock.
func NewMemoryRateCounter() *MemoryRateCounter {
	return &MemoryRateCounter{windows: map[string]*window{}, now: time.Now}
}

// Allow implements RateCounter; it never fails.
func (m *MemoryRateCounter) Allow(_ context.Context, limit, key string, perMinute int) (bool, error) {
	return m.window(limit).allow(key, perMinute, rateSlotOf(m.now())), nil
}

// Exceeded implements RateCounter; it never fails.
func (m *MemoryRateCounter) Exceeded(_ context.Context, limit, key string, perMinute int) (bool, error) {
	return m.window(limit).exceeded(key, perMinute, rateSlotOf(m.now())), nil
}

func (m *MemoryRateCounter) window(limit string) *window {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, ok := m.windows[limit]
	if !ok {
		w = &window{keys: map[string]*slots{}, maxKeys: 100_000}
		m.windows[limit] = w
	}
	return w
}

// window counts one limit's events per key in sliding windows.
type window struct {
	mu         sync.Mutex
	keys       map[string]*slots
	maxKeys    int
	lastPruned int64 // the slot of the last prune
}

// slots are one key's counts in its last RateSlotsCounted slots: a ring
// indexed by slot number, each entry remembering which slot it counts.
// 88 bytes a key.
type slots struct {
	slot [RateSlotsCounted]uint32
	n    [RateSlotsCounted]uint32
}

// used is how many events count at slot now.
func (s *slots) used(now int64) int {
	total := 0
	for i, slot := range s.slot {
		if int64(slot) > now-RateSlotsCounted {
			total += int(s.n[i])
		}
	}
	return total
}

// add counts one event in slot now.
func (s *slots) add(now int64) {
	i := now % RateSlotsCounted
	if int64(s.slot[i]) != now {
		s.slot[i], s.n[i] = uint32(now), 0
	}
	s.n[i]++
}

func (w *window) allow(key string, perMinute int, now int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.prune(now)
	s := w.keys[key]
	if s == nil {
		if perMinute < 1 {
			return false
		}
		if len(w.keys) >= w.maxKeys {
			// Under a flood of distinct keys, refuse rather than grow without bound.
			return false
		}
		s = &slots{}
		w.keys[key] = s
	}
	if s.used(now) >= perMinute {
		return false
	}
	s.add(now)
	return true
}

func (w *window) exceeded(key string, perMinute int, now int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.keys[key]
	if s == nil {
		return perMinute < 1
	}
	return s.used(now) >= perMinute
}

// prune forgets the keys with nothing counted: once every
// RateSlotsCounted slots, and once a slot while the map is full, so a
// flood of new keys costs one scan per slot, not one per key.
func (w *window) prune(now int64) {
	due := now-w.lastPruned >= RateSlotsCounted || (len(w.keys) >= w.maxKeys && now != w.lastPruned)
	if !due {
		return
	}
	w.lastPruned = now
	for key, s := range w.keys {
		if s.used(now) == 0 {
			delete(w.keys, key)
		}
	}
}
