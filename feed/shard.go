package feed

import (
	"hash/fnv"
	"sync"
)

// shardCount splits the hub's indexes so that a card posted by one supplier,
// a follow change of one distributor and a connection opening elsewhere
// rarely wait on the same lock.
const shardCount = 64

func shardOf(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % shardCount)
}

// follower is one entry of the supplier index: a subscription whose
// distributor actively follows the supplier, at the level stored on the
// follow (the hub maps it to the supplier's effective level per change).
type follower struct {
	sub   *Subscription
	level string
}

// supplierIndex finds the subscriptions to notify of a supplier's card
// changes. Only active follows are indexed: pending and blocked followers
// get no card frames at all.
type supplierIndex struct {
	shards [shardCount]struct {
		mu        sync.RWMutex
		followers map[string]map[*Subscription]string
	}
}

func (x *supplierIndex) set(supplierID string, sub *Subscription, level string) {
	sh := &x.shards[shardOf(supplierID)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.followers == nil {
		sh.followers = map[string]map[*Subscription]string{}
	}
	m := sh.followers[supplierID]
	if m == nil {
		m = map[*Subscription]string{}
		sh.followers[supplierID] = m
	}
	m[sub] = level
}

func (x *supplierIndex) remove(supplierID string, sub *Subscription) {
	sh := &x.shards[shardOf(supplierID)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	m := sh.followers[supplierID]
	delete(m, sub)
	if len(m) == 0 {
		delete(sh.followers, supplierID)
	}
}

// appendFollowers appends a supplier's followers to dst and returns it, so
// that frames are sent after the lock is released, into a slice the hub
// reuses from change to change.
func (x *supplierIndex) appendFollowers(dst []follower, supplierID string) []follower {
	sh := &x.shards[shardOf(supplierID)]
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	for sub, level := range sh.followers[supplierID] {
		dst = append(dst, follower{sub: sub, level: level})
	}
	return dst
}

// distributorIndex finds a distributor's subscriptions (one per open
// connection) for its follow changes, and every subscription for CloseAll.
type distributorIndex struct {
	shards [shardCount]struct {
		mu   sync.RWMutex
		subs map[string]map[*Subscription]struct{}
	}
}

func (x *distributorIndex) add(sub *Subscription) {
	sh := &x.shards[shardOf(sub.distributorID)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.subs == nil {
		sh.subs = map[string]map[*Subscription]struct{}{}
	}
	m := sh.subs[sub.distributorID]
	if m == nil {
		m = map[*Subscription]struct{}{}
		sh.subs[sub.distributorID] = m
	}
	m[sub] = struct{}{}
}

func (x *distributorIndex) remove(sub *Subscription) {
	sh := &x.shards[shardOf(sub.distributorID)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	m := sh.subs[sub.distributorID]
	delete(m, sub)
	if len(m) == 0 {
		delete(sh.subs, sub.distributorID)
	}
}

func (x *distributorIndex) get(distributorID string) []*Subscription {
	sh := &x.shards[shardOf(distributorID)]
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	out := make([]*Subscription, 0, len(sh.subs[distributorID]))
	for sub := range sh.subs[distributorID] {
		out = append(out, sub)
	}
	return out
}

func (x *distributorIndex) all() []*Subscription {
	var out []*Subscription
	for i := range x.shards {
		sh := &x.shards[i]
		sh.mu.RLock()
		for _, m := range sh.subs {
			for sub := range m {
				out = append(out, sub)
			}
		}
		sh.mu.RUnlock()
	}
	return out
}
