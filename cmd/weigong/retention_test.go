package main

import (
	"image/color"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand, safe across goroutines.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

type eventsReply struct {
	Events []struct {
		Type string
		Card struct{ ID string }
	}
	Cursor string
}

// TestRetention_PrunesOldChanges ensures that the sweep prunes changes
// older than --retention: a cursor from before them gets 409 on
// /v1/feed/events and {"type":"resync"} on the websocket, while a cursor
// from yesterday still replays. Time is moved by the test's clock, not
// waited for.
func TestRetention_PrunesOldChanges(t *testing.T) {
	day0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: day0}
	n := startNode(t, t.TempDir(), func(c *serveConfig) {
		c.clock, c.sweepEvery, c.Retention = clock.Now, 20*time.Millisecond, 30*24*time.Hour
	})
	s, d := n.signUp("supplier", "factory"), n.signUp("distributor", "shop")
	n.must(200, "PUT", "/v1/suppliers/"+s.ID+"/follow", d.Token, nil)
	img := n.uploadImage(s.Token, color.RGBA{200, 30, 30, 255})

	var start eventsReply
	n.must(200, "GET", "/v1/feed/events", d.Token, nil).decode(t, &start)
	old := n.createCard(s.Token, map[string]any{"title": "posted on day 0"}, img)
	var afterOld eventsReply
	n.must(200, "GET", "/v1/feed/events?after="+start.Cursor, d.Token, nil).decode(t, &afterOld)
	if len(afterOld.Events) != 1 || afterOld.Events[0].Card.ID != old.ID {
		t.Fatalf("events after the start = %+v; want the day-0 card", afterOld.Events)
	}

	clock.Set(day0.Add(30 * 24 * time.Hour))
	recent := n.createCard(s.Token, map[string]any{"title": "posted on day 30"}, img)
	clock.Set(day0.Add(31 * 24 * time.Hour)) // day 0 is now 31 days old, day 30 is yesterday

	deadline := time.Now().Add(10 * time.Second)
	for {
		r := n.do("GET", "/v1/feed/events?after="+start.Cursor, d.Token, nil)
		if r.Status == 409 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a cursor older than the retention still answers %d after 10 s: %s", r.Status, r.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var yesterday eventsReply
	n.must(200, "GET", "/v1/feed/events?after="+afterOld.Cursor, d.Token, nil).decode(t, &yesterday)
	if len(yesterday.Events) != 1 || yesterday.Events[0].Card.ID != recent.ID {
		t.Fatalf("events after yesterday's cursor = %+v; want the day-30 card", yesterday.Events)
	}
	frames := n.streamFrames(t, d.Token, start.Cursor, 0, nil, nil)
	if len(frames) != 1 || !strings.Contains(frames[0], `"resync"`) {
		t.Fatalf("websocket with a pruned cursor sent %v; want one resync frame", frames)
	}
	frames = n.streamFrames(t, d.Token, afterOld.Cursor, 0, nil, nil)
	if len(frames) != 2 || !strings.Contains(frames[0], recent.ID) || !strings.Contains(frames[1], `"ready"`) {
		t.Fatalf("websocket with yesterday's cursor sent %v; want the day-30 card then ready", frames)
	}
}
