package server

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// RateCounter counts events per (limit, key) in fixed one-minute windows,
// for the rate limits of API.md "Conventions". The default,
// NewMemoryRateCounter, counts in this process: with several nodes each
// node would allow the whole limit, so a cluster gives every node one
// counter they share (package sharedstate, on PostgreSQL), and a limit of
// N a minute is then N across the cluster.
type RateCounter interface {
	// Allow records one event for key under the named limit and reports
	// whether it is within perMinute events in the current window; an
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

// newLimits returns the limits counted by counter (nil: in this process).
func newLimits(enabled bool, counter RateCounter, log *slog.Logger) limits {
	if !enabled {
		return limits{}
	}
	local := NewMemoryRateCounter()
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

// MemoryRateCounter is the RateCounter of one process: a window per
// limit, each counting at most 100,000 keys. Make one with
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
	return m.window(limit).allow(key, perMinute, m.now()), nil
}

// Exceeded implements RateCounter; it never fails.
func (m *MemoryRateCounter) Exceeded(_ context.Context, limit, key string, perMinute int) (bool, error) {
	return m.window(limit).exceeded(key, perMinute, m.now()), nil
}

func (m *MemoryRateCounter) window(limit string) *window {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, ok := m.windows[limit]
	if !ok {
		w = &window{counts: map[string]int{}, maxKeys: 100_000}
		m.windows[limit] = w
	}
	return w
}

// window counts events per key in one limit's fixed one-minute windows.
type window struct {
	mu      sync.Mutex
	start   time.Time
	counts  map[string]int
	maxKeys int
}

func (w *window) allow(key string, perMinute int, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.roll(now)
	if w.counts[key] >= perMinute {
		return false
	}
	if len(w.counts) >= w.maxKeys {
		// Under a flood of distinct keys, refuse rather than grow without bound.
		return false
	}
	w.counts[key]++
	return true
}

func (w *window) exceeded(key string, perMinute int, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.roll(now)
	return w.counts[key] >= perMinute
}

// roll starts a new window when the minute is over.
func (w *window) roll(now time.Time) {
	if now.Sub(w.start) >= time.Minute {
		w.start = now
		clear(w.counts)
	}
}
