// Package memstore is a test double: an in-memory implementation of
// feed.Store and of the catalog stores the feed needs, so that the feed,
// hub and stream tests run without the bbolt storage package.
//
// Like the real store it records every write in one change log with a
// global Seq and publishes each change to the bus only after the write is
// "committed", in Seq order. It is small and slow on purpose (linear scans)
// and must not be used outside tests.
package memstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// Store is the in-memory store. Values handed in and out are shallow copies:
// callers must not modify the slices and maps of cards they pass or get.
type Store struct {
	bus feed.Bus

	// BeforeChanges and AfterChanges, when set, run at the start and at the
	// end of every Changes call. Tests use them to commit writes at an exact
	// point of a replay. Set them before the store is shared.
	BeforeChanges, AfterChanges func()

	commit sync.Mutex // serialises write+publish, so publication is in Seq order

	mu       sync.RWMutex
	logID    string
	seq      uint64
	horizon  uint64
	log      []catalog.Change // card changes hold only the card's ID
	accounts map[string]catalog.Account
	cards    map[string]catalog.Card
	follows  map[[2]string]catalog.Follow // by supplier ID, distributor ID
}

// New returns an empty store that publishes to bus.
func New(bus feed.Bus) *Store {
	id := make([]byte, 8)
	rand.Read(id)
	return &Store{bus: bus, logID: hex.EncodeToString(id),
		accounts: map[string]catalog.Account{}, cards: map[string]catalog.Card{},
		follows: map[[2]string]catalog.Follow{}}
}

// write applies fn under the data lock, appends the change it returns to
// the log with the next Seq, and publishes it after the lock is released.
func (s *Store) write(fn func() (catalog.Change, error)) (catalog.Change, error) {
	s.commit.Lock()
	defer s.commit.Unlock()
	s.mu.Lock()
	c, err := fn()
	if err != nil {
		s.mu.Unlock()
		return catalog.Change{}, err
	}
	s.seq++
	c.Seq = s.seq
	stored := c
	if c.Card != nil {
		stored.Card = &catalog.Card{ID: c.Card.ID}
		stored.Supplier = nil
	}
	s.log = append(s.log, stored)
	s.mu.Unlock()
	s.bus.Publish(c)
	return c, nil
}

// Prune drops the changes with Seq ≤ horizon, as a retention job would.
func (s *Store) Prune(horizon uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.log[:0]
	for _, c := range s.log {
		if c.Seq > horizon {
			kept = append(kept, c)
		}
	}
	s.log, s.horizon = kept, horizon
}

// Log implements feed.Store.
func (s *Store) Log(ctx context.Context) (feed.LogInfo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return feed.LogInfo{Last: s.seq, Horizon: s.horizon, ID: s.logID}, nil
}

func notFound(what string) error { return catalog.Errorf(catalog.NotFound, "no such %s", what) }
