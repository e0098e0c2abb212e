package server

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// TestMemoryRateCounter_Windows ensures a key gets perMinute events a
// window, other keys and other limits count apart, Exceeded counts
// nothing, and the next window starts afresh.
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
	clock = clock.Add(time.Minute)
	if ok, _ := m.Allow(ctx, "uploads", "acct1", 5); !ok {
		t.Error("refused in the next window")
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
	l := newLimits(true, down, slog.New(slog.DiscardHandler))
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
	if off := newLimits(false, down, nil); !off.uploads.allow("x") || off.signInFailsHandle.exceeded("x") {
		t.Error("limits turned off still limit")
	}
}
