package storage

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

func newSession(hash string, expires time.Time) catalog.Session {
	return catalog.Session{TokenHash: hash, AccountID: newID(), CreatedAt: base, ExpiresAt: expires}
}

// Ensure that a session survives a round trip and can be deleted once.
func TestDB_Session_RoundTrip(t *testing.T) {
	db := mustOpen(t)
	s := newSession("h1", base.Add(time.Hour))
	s.Ticket, s.ParentHash = true, "parent"
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.CreateSession(ctx, s), catalog.Conflict)
	if got, err := db.Session(ctx, "h1"); err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("Session = %+v, %v; want %+v", got, err, s)
	}
	if err := db.DeleteSession(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	_, err := db.Session(ctx, "h1")
	wantCode(t, err, catalog.NotFound)
	wantCode(t, db.DeleteSession(ctx, "h1"), catalog.NotFound)
}

// Ensure that unknown and hostile token hashes are NotFound.
func TestDB_Session_NotFound(t *testing.T) {
	db := mustOpen(t)
	for _, h := range append(hostileIDs, string(make([]byte, 40000))) {
		_, err := db.Session(ctx, h)
		wantCode(t, err, catalog.NotFound)
		_, err = db.TakeSession(ctx, h)
		wantCode(t, err, catalog.NotFound)
		wantCode(t, db.DeleteSession(ctx, h), catalog.NotFound)
	}
}

// Ensure that of ten concurrent redeemers of one ticket exactly one gets
// it, and the ticket is gone afterwards.
func TestDB_TakeSession_SingleUse(t *testing.T) {
	db := mustOpen(t)
	if err := db.CreateSession(ctx, newSession("ticket", base.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, misses := 0, 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.TakeSession(ctx, "ticket")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case catalog.ErrorCode(err) == catalog.NotFound:
				misses++
			default:
				t.Errorf("TakeSession: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || misses != 9 {
		t.Fatalf("wins = %d, misses = %d; want 1 and 9", wins, misses)
	}
}

// Ensure that pruning deletes exactly the sessions expired at or before
// now, and leaves the expiry index consistent for the next prune.
func TestDB_PruneSessions(t *testing.T) {
	db := mustOpen(t)
	for i, h := range []string{"a", "b", "c", "d"} {
		if err := db.CreateSession(ctx, newSession(h, base.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteSession(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	n, err := db.PruneSessions(ctx, base.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("PruneSessions = %d, %v; want 1 (b)", n, err)
	}
	_, err = db.Session(ctx, "b")
	wantCode(t, err, catalog.NotFound)
	for _, h := range []string{"c", "d"} {
		if _, err := db.Session(ctx, h); err != nil {
			t.Errorf("Session(%s) after prune: %v", h, err)
		}
	}
	if n, err := db.PruneSessions(ctx, base.Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("second PruneSessions = %d, %v; want 2", n, err)
	}
}
