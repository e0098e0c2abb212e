package server

import (
	"sync"
	"time"
)

// limiter counts events per key in fixed one-minute windows. It is
// in-process: with several nodes each node enforces its own share, which
// is acceptable for abuse protection (a shared store can replace it).
type limiter struct {
	perMinute int
	now       func() time.Time

	mu      sync.Mutex
	window  time.Time
	counts  map[string]int
	maxKeys int
}

func newLimiter(perMinute int) *limiter {
	return &limiter{perMinute: perMinute, now: time.Now, counts: map[string]int{}, maxKeys: 100_000}
}

// allow records one event for key and reports whether it is within the
// limit. A nil limiter allows everything (rate limits turned off).
func (l *limiter) allow(key string) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll()
	if l.counts[key] >= l.perMinute {
		return false
	}
	if len(l.counts) >= l.maxKeys {
		// Under a flood of distinct keys, refuse rather than grow without bound.
		return false
	}
	l.counts[key]++
	return true
}

// exceeded reports whether key has used up its window, without counting.
func (l *limiter) exceeded(key string) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll()
	return l.counts[key] >= l.perMinute
}

// roll starts a new window when the minute is over.
func (l *limiter) roll() {
	now := l.now()
	if now.Sub(l.window) >= time.Minute {
		l.window = now
		clear(l.counts)
	}
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

func newLimits(enabled bool) limits {
	if !enabled {
		return limits{}
	}
	return limits{
		signUpPerIP:       newLimiter(60),
		signInFailsHandle: newLimiter(10),
		signInPerIP:       newLimiter(300),
		uploads:           newLimiter(120),
		shares:            newLimiter(120),
		webhookSends:      newLimiter(60),
	}
}
