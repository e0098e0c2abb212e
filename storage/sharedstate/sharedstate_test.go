package sharedstate

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weigong/weigong/cmd/weigong/server"
	"github.com/weigong/weigong/share"
	"github.com/weigong/weigong/storage/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The interfaces State is made for.
var (
	_ server.RateCounter = (*State)(nil)
	_ share.Visitors     = (*State)(nil)
)

// twoNodes opens two States on one fresh database, as two nodes would,
// both on one clock the test moves.
func twoNodes(t *testing.T) (a, b *State, clock *atomic.Pointer[time.Time]) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	clock = &atomic.Pointer[time.Time]{}
	start := time.Date(2026, 11, 30, 10, 0, 5, 0, time.UTC)
	clock.Store(&start)
	open := func() *State {
		s, err := Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		s.now = func() time.Time { return *clock.Load() }
		return s
	}
	return open(), open(), clock
}

// TestRateCounter_LimitHoldsAcrossNodes ensures that two nodes hammering
// one key at once allow exactly perMinute events between them, that both
// then see the key exceeded, that other keys and limits are unaffected,
// and that the key has its limit again once its events are 66 s old.
func TestRateCounter_LimitHoldsAcrossNodes(t *testing.T) {
	a, b, clock := twoNodes(t)
	ctx := context.Background()
	const perMinute = 25
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for i, node := range []*State{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				ok, err := node.Allow(ctx, "sign-up-ip", "198.51.100.7", perMinute)
				if err != nil {
					t.Errorf("worker %d: %v", i, err)
					return
				}
				if ok {
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if got := allowed.Load(); got != perMinute {
		t.Fatalf("two nodes allowed %d of 80 events, want %d", got, perMinute)
	}
	for name, node := range map[string]*State{"a": a, "b": b} {
		if over, err := node.Exceeded(ctx, "sign-up-ip", "198.51.100.7", perMinute); err != nil || !over {
			t.Errorf("node %s: Exceeded = %v, %v; want true", name, over, err)
		}
	}
	if ok, err := b.Allow(ctx, "sign-up-ip", "198.51.100.8", perMinute); err != nil || !ok {
		t.Errorf("another key: %v, %v", ok, err)
	}
	if ok, err := b.Allow(ctx, "uploads", "198.51.100.7", perMinute); err != nil || !ok {
		t.Errorf("another limit: %v, %v", ok, err)
	}
	later := clock.Load().Add(59 * time.Second)
	clock.Store(&later)
	if over, _ := a.Exceeded(ctx, "sign-up-ip", "198.51.100.7", perMinute); !over {
		t.Error("no longer exceeded 59 s later")
	}
	later = later.Add(7 * time.Second)
	clock.Store(&later)
	if over, _ := a.Exceeded(ctx, "sign-up-ip", "198.51.100.7", perMinute); over {
		t.Error("still exceeded 66 s later")
	}
	if ok, err := a.Allow(ctx, "sign-up-ip", "198.51.100.7", perMinute); err != nil || !ok {
		t.Errorf("next minute: %v, %v", ok, err)
	}
}

// TestRateCounter_FailuresPerHandleAcrossNodes ensures the sign-in limit
// of failures per handle (10 a minute) holds across two nodes when each
// is given its own State on one database.
func TestRateCounter_FailuresPerHandleAcrossNodes(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		a.Allow(ctx, "sign-in-fails-handle", "lily", 10)
		b.Allow(ctx, "sign-in-fails-handle", "lily", 10)
	}
	for name, node := range map[string]*State{"a": a, "b": b} {
		if over, err := node.Exceeded(ctx, "sign-in-fails-handle", "lily", 10); err != nil || !over {
			t.Errorf("node %s after 5 failures on each node: Exceeded = %v, %v; want true", name, over, err)
		}
	}
}

// TestRateCounter_NoBurstAcrossTheMinute ensures the windows slide on
// PostgreSQL as in server.MemoryRateCounter: 10 failures around a minute
// boundary, half on each node, refuse the 11th. With whole-minute rows a
// burst straddling the boundary had its count reset halfway (the flaky
// TestAPI_SignIn_RateLimited on the PostgreSQL run).
func TestRateCounter_NoBurstAcrossTheMinute(t *testing.T) {
	a, b, clock := twoNodes(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 10, 0, 55, 0, time.UTC)
	for i := 0; i < 10; i++ {
		clock.Store(&now)
		if ok, err := []*State{a, b}[i%2].Allow(ctx, "sign-in-fails-handle", "lily", 10); err != nil || !ok {
			t.Fatalf("event %d: %v, %v", i+1, ok, err)
		}
		now = now.Add(time.Second) // 10:00:55 … 10:01:04
	}
	clock.Store(&now)
	if ok, err := a.Allow(ctx, "sign-in-fails-handle", "lily", 10); err != nil || ok {
		t.Errorf("the 11th event within 10 s: %v, %v; want refused", ok, err)
	}
}

// TestRateSlots_SameAsServer ensures the slots counted here are the
// server's, so a node on PostgreSQL limits as a single node does.
func TestRateSlots_SameAsServer(t *testing.T) {
	if rateSlotLength != server.RateSlot || rateSlotsCounted != server.RateSlotsCounted {
		t.Errorf("slots here: %d × %v; server: %d × %v", rateSlotsCounted, rateSlotLength, server.RateSlotsCounted, server.RateSlot)
	}
}

func key(s string) [16]byte {
	var k [16]byte
	copy(k[:], s)
	return k
}

// TestVisitors_CountedOnceAcrossNodes ensures a visitor admitted by one
// node is refused by the other within the window, even when both ask at
// once, and admitted again once the window has ended.
func TestVisitors_CountedOnceAcrossNodes(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		node := []*State{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := node.Admit(ctx, key("visitor-1"), key("place-1"), now, time.Hour, 3)
			if err != nil {
				t.Error(err)
			}
			if ok {
				admitted.Add(1)
			}
		}()
	}
	wg.Wait()
	if got := admitted.Load(); got != 1 {
		t.Fatalf("one visitor asking eight times on two nodes was admitted %d times, want 1", got)
	}
	if ok, _ := b.Admit(ctx, key("visitor-1"), key("place-1"), now.Add(59*time.Minute), time.Hour, 3); ok {
		t.Error("admitted again within the window")
	}
	if ok, err := b.Admit(ctx, key("visitor-1"), key("place-1"), now.Add(time.Hour), time.Hour, 3); err != nil || !ok {
		t.Errorf("after the window: %v, %v; want admitted", ok, err)
	}
}

// TestVisitors_NetworkCapAcrossNodes ensures a network's cap counts the
// visitors both nodes admitted, that a visitor refused by the cap is not
// remembered (it counts once the network's window ends), and that the
// cap lifts with the window.
func TestVisitors_NetworkCapAcrossNodes(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	admitted := 0
	for i := 0; i < 10; i++ {
		node := []*State{a, b}[i%2]
		ok, err := node.Admit(ctx, key(fmt.Sprint("ua-", i)), key("place-1"), now.Add(time.Duration(i)*time.Second), time.Hour, 3)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			admitted++
		}
	}
	if admitted != 3 {
		t.Fatalf("admitted %d visitors of one network across two nodes, want 3", admitted)
	}
	if ok, _ := a.Admit(ctx, key("ua-0"), key("place-2"), now, time.Hour, 3); ok {
		t.Error("a visitor seen is admitted for another place")
	}
	later := now.Add(time.Hour)
	if ok, err := a.Admit(ctx, key("ua-9"), key("place-1"), later, time.Hour, 3); err != nil || !ok {
		t.Errorf("visitor refused by the cap, once the network's window ended: %v, %v; want admitted", ok, err)
	}
}

// TestViewCounter_TwoNodesOnePostgreSQL ensures the share package's
// counter, as two nodes run it with the salt of their common secret key,
// counts a visitor reloading on either node once.
func TestViewCounter_TwoNodesOnePostgreSQL(t *testing.T) {
	a, b, _ := twoNodes(t)
	salt := share.VisitorSalt([]byte("one secret key"))
	counters := make([]*share.ViewCounter, 2)
	for i, node := range []*State{a, b} {
		counters[i] = share.NewViewCounter(nil, time.Hour)
		counters[i].ShareVisitors(node, salt, nil)
	}
	visit := share.Visit{Method: "GET", Address: "203.0.113.7", UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1"}
	counted := 0
	for i := 0; i < 6; i++ {
		if counters[i%2].Count("s1", visit) {
			counted++
		}
	}
	if counted != 1 || counters[0].Pending("s1")+counters[1].Pending("s1") != 1 {
		t.Errorf("six loads on two nodes counted %d times, want 1", counted)
	}
}

// TestOpen_ManyNodesAtOnce ensures nodes starting together all create or
// find the tables without error.
func TestOpen_ManyNodesAtOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), url)
			if err != nil {
				t.Error(err)
				return
			}
			s.Close()
		}()
	}
	wg.Wait()
}

// TestPrune ensures ended windows are deleted and current ones kept.
func TestPrune(t *testing.T) {
	a, _, clock := twoNodes(t)
	ctx := context.Background()
	now := *clock.Load()
	a.Allow(ctx, "uploads", "acct", 5)
	a.Admit(ctx, key("v-old"), key("p-old"), now.Add(-2*time.Hour), time.Hour, 3)
	a.Admit(ctx, key("v-new"), key("p-new"), now, time.Hour, 3)
	if err := a.Prune(ctx, now.Add(66*time.Second)); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, table := range []string{"shared_rate_slots", "shared_view_visitors", "shared_view_places"} {
		var n int
		if err := a.pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	want := map[string]int{"shared_rate_slots": 0, "shared_view_visitors": 1, "shared_view_places": 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("rows after prune: %v, want %v", counts, want)
	}
}
