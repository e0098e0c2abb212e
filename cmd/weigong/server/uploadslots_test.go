package server

import (
	"context"
	"testing"
	"time"
)

// TestUploadSlots_CapPerAccount ensures an account gets at most
// perAccount slots, a few more uploads wait for one and get it when one is
// released, more than that are refused at once, another account is never
// held up, and a wait ends (refused) when no slot frees up in time.
func TestUploadSlots_CapPerAccount(t *testing.T) {
	u := &uploadSlots{perAccount: 2, queue: 1, wait: 10 * time.Second, accounts: map[string]*accountSlots{}}
	ctx := context.Background()
	var releases []func()
	for range 2 {
		release, ok := u.acquire(ctx, "a")
		if !ok {
			t.Fatal("a's first two uploads were refused")
		}
		releases = append(releases, release)
	}
	waited := make(chan bool)
	go func() {
		release, ok := u.acquire(ctx, "a")
		if ok {
			defer release()
		}
		waited <- ok
	}()
	// Wait (bounded) until the third upload is queued.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		u.mu.Lock()
		users := u.accounts["a"].users
		u.mu.Unlock()
		if users == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the third upload never queued")
		}
	}
	if _, ok := u.acquire(ctx, "a"); ok {
		t.Fatal("a fourth upload got a slot past the queue")
	}
	releaseB, ok := u.acquire(ctx, "b")
	if !ok {
		t.Fatal("account b was held up by account a")
	}
	releaseB()
	releases[0]()
	select {
	case ok := <-waited:
		if !ok {
			t.Fatal("the queued upload was refused although a slot was released")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the queued upload did not get the released slot within 10 s")
	}
	releases[1]()

	u.wait = 20 * time.Millisecond
	held, _ := u.acquire(ctx, "c")
	held2, _ := u.acquire(ctx, "c")
	if _, ok := u.acquire(ctx, "c"); ok {
		t.Fatal("an upload got a slot although both were held")
	}
	held()
	held2()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.accounts) != 0 {
		t.Fatalf("%d accounts still tracked after every slot was released", len(u.accounts))
	}
}
