package webhook

import (
	"net/http"
	"strconv"
	"time"
)

// Schedule is how long to wait before each retry of a failed delivery
// (API.md part 2, "Developers"; the Standard Webhooks recommendation):
// after the first attempt fails, retry after 5 s, then 5 min, …, and give
// up after the ninth retry, about 76 hours after the first attempt.
var Schedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour,
	10 * time.Hour, 14 * time.Hour, 20 * time.Hour, 24 * time.Hour,
}

// Timeout bounds one attempt, from dialling to the last byte of the
// answer's headers and body.
const Timeout = 15 * time.Second

// maxRetryAfter bounds how far a receiver's Retry-After can push a retry.
const maxRetryAfter = 24 * time.Hour

// nextAttempt returns when to try again after the attempts-th failed
// attempt, and false when the retries have run out. A Retry-After the
// receiver sent (seconds or an HTTP date) replaces the schedule's wait,
// within 1 s to 24 h.
func nextAttempt(now time.Time, attempts int, retryAfter string) (time.Time, bool) {
	if attempts > len(Schedule) {
		return time.Time{}, false
	}
	wait := Schedule[attempts-1]
	if d, ok := parseRetryAfter(now, retryAfter); ok {
		wait = min(max(d, time.Second), maxRetryAfter)
	}
	return now.Add(wait), true
}

// parseRetryAfter reads a Retry-After header (RFC 9110 §10.2.3).
func parseRetryAfter(now time.Time, v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now), true
	}
	return 0, false
}
