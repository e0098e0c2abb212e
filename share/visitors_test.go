package share

import (
	"context"
	"errors"
	"testing"
	"time"
)

// twoNodes returns two counters, as two nodes would have, sharing one
// ledger and the salt derived from one secret key, on one clock.
func twoNodes(ledger Visitors) (a, b *ViewCounter, clock *time.Time) {
	a, clock = newTestCounter()
	b = NewViewCounter(nopStore{}, time.Hour)
	b.now = a.now
	salt := VisitorSalt([]byte("the secret key both nodes load"))
	a.ShareVisitors(ledger, salt, nil)
	b.ShareVisitors(ledger, salt, nil)
	return a, b, clock
}

// TestViewCounter_SharedVisitors ensures that with a shared ledger a
// visitor counted by one node is not counted again by the other, and the
// network cap holds across both.
func TestViewCounter_SharedVisitors(t *testing.T) {
	a, b, clock := twoNodes(newMemoryVisitors())
	if !a.Count("s1", browserVisit("203.0.113.7", 1)) || b.Count("s1", browserVisit("203.0.113.7", 1)) {
		t.Fatal("one visitor: want counted on a, not again on b")
	}
	for i := 2; i < 100; i++ {
		node := a
		if i%2 == 0 {
			node = b
		}
		node.Count("s1", browserVisit("203.0.113.7", i))
	}
	if got := a.Pending("s1") + b.Pending("s1"); got != MaxViewsPerAddress {
		t.Errorf("views = %d from one address across two nodes, want %d", got, MaxViewsPerAddress)
	}
	*clock = clock.Add(time.Hour + time.Second)
	if !b.Count("s1", browserVisit("203.0.113.7", 1)) {
		t.Error("not counted again after the window")
	}
}

// TestVisitorSalt ensures the salt depends on the secret key alone: the
// same on every node, different for another deployment.
func TestVisitorSalt(t *testing.T) {
	if VisitorSalt([]byte("k1")) != VisitorSalt([]byte("k1")) || VisitorSalt([]byte("k1")) == VisitorSalt([]byte("k2")) {
		t.Error("VisitorSalt is not a function of the key")
	}
}

// downLedger is a shared ledger that is unreachable.
type downLedger struct{ calls int }

func (d *downLedger) Admit(context.Context, [16]byte, [16]byte, time.Time, time.Duration, int) (bool, error) {
	d.calls++
	return false, errors.New("connection refused")
}

// TestViewCounter_SharedVisitorsDown ensures a node whose ledger fails
// still counts views, de-duplicated and capped on its own, rather than
// losing them or counting every reload.
func TestViewCounter_SharedVisitorsDown(t *testing.T) {
	down := &downLedger{}
	a, _, _ := twoNodes(down)
	for i := 0; i < 5; i++ {
		a.Count("s1", browserVisit("203.0.113.7", 1))
		a.Count("s1", browserVisit("203.0.113.7", i+10))
	}
	if got := a.Pending("s1"); got != MaxViewsPerAddress || down.calls != 10 {
		t.Errorf("views = %d (want %d) after %d calls to the ledger (want 10)", got, MaxViewsPerAddress, down.calls)
	}
}
