package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"
)

// TestMemoryRateCounter_Windows ensures a key gets perMinute events a
// window, other keys and other limits count apart, Exceeded counts
// nothing, and a key quiet for 66 s has its whole limit again.
func TestMemoryRateCounter_Windows(t *testing.T) {
	m := NewMemoryRateCounter()
	clock := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	m.now = func() time.Time { return clock }
	ctx := context.Background()
	allowed := 0
	for i := 0; i < 8; i++ {
		if ok, _ := m.Allow(ctx, "uploads", "acct1", 5); ok {
			allowed++
		}
		if over, _ := m.Exceeded(ctx, "uploads", "acct1", 5); over != (allowed == 5) {
			t.Fatalf("after %d events Exceeded = %v", allowed, over)
		}
	}
	if allowed != 5 {
		t.Errorf("allowed %d of 8, want 5", allowed)
	}
	if ok, _ := m.Allow(ctx, "uploads", "acct2", 5); !ok {
		t.Error("another key was refused")
	}
	if ok, _ := m.Allow(ctx, "shares", "acct1", 5); !ok {
		t.Error("another limit was refused")
	}
	clock = clock.Add(59 * time.Second)
	if ok, _ := m.Allow(ctx, "uploads", "acct1", 5); ok {
		t.Error("allowed 59 s after the limit was used up")
	}
	clock = clock.Add(7 * time.Second)
	if ok, _ := m.Allow(ctx, "uploads", "acct1", 5); !ok {
		t.Error("refused 66 s after the last event")
	}
}

// TestMemoryRateCounter_NoBurstAcrossTheMinute ensures the window slides:
// N events just before a minute boundary refuse the next one just after
// it. Fixed windows allowed it, so 10 failed sign-ins at 10:00:59 and 10
// more at 10:01:00 both passed, and a burst that straddled the boundary
// had its count reset halfway (the flaky TestAPI_SignIn_RateLimited).
func TestMemoryRateCounter_NoBurstAcrossTheMinute(t *testing.T) {
	m := NewMemoryRateCounter()
	clock := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	m.now = func() time.Time { return clock }
	ctx := context.Background()
	m.Allow(ctx, "sign-in-fails-handle", "someone-else", 10) // a minute begins
	clock = clock.Add(55 * time.Second)
	for i := 0; i < 10; i++ {
		if ok, _ := m.Allow(ctx, "sign-in-fails-handle", "lily", 10); !ok {
			t.Fatalf("event %d refused", i+1)
		}
		clock = clock.Add(time.Second) // 10:00:55 … 10:01:04
	}
	if over, _ := m.Exceeded(ctx, "sign-in-fails-handle", "lily", 10); !over {
		t.Error("10 events across the minute boundary do not exceed a limit of 10")
	}
	if ok, _ := m.Allow(ctx, "sign-in-fails-handle", "lily", 10); ok {
		t.Error("the 11th event within 10 s was allowed")
	}
}

// TestMemoryRateCounter_FloodOfKeys ensures a limit holds at most maxKeys
// keys, refusing new ones while they are all in use, and makes room again
// once their events have aged out.
func TestMemoryRateCounter_FloodOfKeys(t *testing.T) {
	m := NewMemoryRateCounter()
	clock := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	m.now = func() time.Time { return clock }
	m.window("sign-up-ip").maxKeys = 100
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		if ok, _ := m.Allow(ctx, "sign-up-ip", fmt.Sprint("ip", i), 60); !ok {
			t.Fatalf("key %d refused", i)
		}
	}
	if ok, _ := m.Allow(ctx, "sign-up-ip", "one-more", 60); ok {
		t.Error("a key beyond maxKeys was allowed")
	}
	if ok, _ := m.Allow(ctx, "sign-up-ip", "ip7", 60); !ok {
		t.Error("a key already counted was refused while the map is full")
	}
	clock = clock.Add(66 * time.Second)
	if ok, _ := m.Allow(ctx, "sign-up-ip", "one-more", 60); !ok {
		t.Error("no room made after every key aged out")
	}
	if n := len(m.window("sign-up-ip").keys); n != 1 {
		t.Errorf("%d keys kept after the prune, want 1", n)
	}
}

// failingCounter is a shared counter that is down.
type failingCounter struct{ calls int }

func (f *failingCounter) Allow(context.Context, string, string, int) (bool, error) {
	f.calls++
	return false, errors.New("connection refused")
}

func (f *failingCounter) Exceeded(context.Context, string, string, int) (bool, error) {
	f.calls++
	return true, errors.New("connection refused")
}

// TestLimits_SharedCounterDown ensures the limits ask the counter they
// are given, and that when it fails the node still enforces each limit on
// its own instead of refusing everyone or allowing everything.
func TestLimits_SharedCounterDown(t *testing.T) {
	down := &failingCounter{}
	l := newLimits(true, down, nil, slog.New(slog.DiscardHandler))
	allowed := 0
	for i := 0; i < 70; i++ {
		if l.signUpPerIP.allow("198.51.100.7") {
			allowed++
		}
	}
	if allowed != 60 || down.calls != 70 {
		t.Errorf("allowed %d of 70 sign-ups (want 60) after %d calls to the shared counter (want 70)", allowed, down.calls)
	}
	if l.signInFailsHandle.exceeded("lily") {
		t.Error("a handle with no failures is exceeded")
	}
	if off := newLimits(false, down, nil, nil); !off.uploads.allow("x") || off.signInFailsHandle.exceeded("x") {
		t.Error("limits turned off still limit")
	}
}
