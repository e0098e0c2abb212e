package server

import (
	"context"
	"sync"
	"time"
)

// uploadSlots caps the photo uploads in flight per account, so that one
// supplier's burst cannot fill the photo workers' queue ahead of everyone
// else: with at most perAccount of its uploads past this gate, another
// supplier's photo waits behind at most that many of the first one's,
// however many it sends.
//
// An upload over the cap waits for a slot of its own account rather than
// failing at once: the web app sends every picked photo at the same time
// (up to nine), and a phone should not have to retry its own burst. The
// wait is bounded in time and in how many may wait; past either bound the
// upload is refused (429 with Retry-After). A waiting upload holds no
// body: it is read only once the upload has a slot.
type uploadSlots struct {
	perAccount int           // uploads of one account past the gate at once
	queue      int           // uploads of one account that may wait for a slot
	wait       time.Duration // longest wait for a slot

	mu       sync.Mutex
	accounts map[string]*accountSlots
}

// accountSlots are one account's slots; the entry is dropped when no
// upload of the account holds or waits for one, so the map stays small.
type accountSlots struct {
	slots chan struct{}
	users int // uploads holding or waiting for a slot
}

func newUploadSlots() *uploadSlots {
	return &uploadSlots{perAccount: 4, queue: 32, wait: 20 * time.Second, accounts: map[string]*accountSlots{}}
}

// acquire takes one of the account's slots and returns the function that
// gives it back. It reports false, having taken nothing, when too many of
// the account's uploads already wait or no slot frees up in time.
func (u *uploadSlots) acquire(ctx context.Context, accountID string) (release func(), ok bool) {
	u.mu.Lock()
	a := u.accounts[accountID]
	if a == nil {
		a = &accountSlots{slots: make(chan struct{}, u.perAccount)}
		u.accounts[accountID] = a
	}
	if a.users >= u.perAccount+u.queue {
		u.mu.Unlock()
		return nil, false
	}
	a.users++
	u.mu.Unlock()

	timer := time.NewTimer(u.wait)
	defer timer.Stop()
	select {
	case a.slots <- struct{}{}:
		return func() {
			<-a.slots
			u.leave(accountID, a)
		}, true
	case <-timer.C:
	case <-ctx.Done():
	}
	u.leave(accountID, a)
	return nil, false
}

func (u *uploadSlots) leave(accountID string, a *accountSlots) {
	u.mu.Lock()
	defer u.mu.Unlock()
	a.users--
	if a.users == 0 {
		delete(u.accounts, accountID)
	}
}
