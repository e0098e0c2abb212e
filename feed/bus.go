package feed

import (
	"sync"

	"github.com/weigong/weigong/catalog"
)

// LocalBus is the in-process Bus used when one node serves everything.
// Publish hands each change to every subscriber synchronously, in the order
// they subscribed, so a change has reached every hub by the time the write
// that produced it returns to its caller.
//
// Publish calls are serialised: subscribers never run concurrently with each
// other and see changes in the order Publish was called. Keeping that order
// equal to Seq order is the publisher's job (package storage), because only
// it knows the commit order. Subscribers must be fast and must not block,
// and they must not call Publish themselves.
type LocalBus struct {
	publishing sync.Mutex // held for the whole of one Publish

	mu     sync.Mutex // guards subs and nextID
	subs   []busSubscriber
	nextID int
}

type busSubscriber struct {
	id int
	fn func(catalog.Change)
}

// NewLocalBus returns an empty in-process bus.
func NewLocalBus() *LocalBus { return &LocalBus{} }

// Publish delivers c to every current subscriber before returning.
func (b *LocalBus) Publish(c catalog.Change) {
	b.publishing.Lock()
	defer b.publishing.Unlock()
	b.mu.Lock()
	subs := b.subs
	b.mu.Unlock()
	for _, s := range subs {
		s.fn(c)
	}
}

// Subscribe registers fn for every change published from now on. The
// returned function removes it; it is safe to call more than once.
func (b *LocalBus) Subscribe(fn func(catalog.Change)) (unsubscribe func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	id := b.nextID
	// Copy on write, so that Publish can iterate a snapshot without a lock.
	subs := make([]busSubscriber, len(b.subs), len(b.subs)+1)
	copy(subs, b.subs)
	b.subs = append(subs, busSubscriber{id: id, fn: fn})
	return func() { b.remove(id) }
}

func (b *LocalBus) remove(id int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	subs := make([]busSubscriber, 0, len(b.subs))
	for _, s := range b.subs {
		if s.id != id {
			subs = append(subs, s)
		}
	}
	b.subs = subs
}
