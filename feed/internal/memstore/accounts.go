package memstore

import (
	"context"
	"slices"
	"strings"

	"github.com/weigong/weigong/catalog"
)

// CreateAccount implements catalog.AccountStore.
func (s *Store) CreateAccount(ctx context.Context, a catalog.Account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, other := range s.accounts {
		if other.Handle == a.Handle {
			return catalog.Errorf(catalog.Conflict, "handle is taken")
		}
	}
	s.accounts[a.ID] = a
	return nil
}

// Account implements catalog.AccountStore.
func (s *Store) Account(ctx context.Context, id string) (catalog.Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.accounts[id]
	if !ok {
		return catalog.Account{}, notFound("account")
	}
	return a, nil
}

// AccountByHandle implements catalog.AccountStore.
func (s *Store) AccountByHandle(ctx context.Context, handle string) (catalog.Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, a := range s.accounts {
		if a.Handle == handle {
			return a, nil
		}
	}
	return catalog.Account{}, notFound("account")
}

// UpdateAccount implements catalog.AccountStore.
func (s *Store) UpdateAccount(ctx context.Context, a catalog.Account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[a.ID]; !ok {
		return notFound("account")
	}
	s.accounts[a.ID] = a
	return nil
}

// Follow implements catalog.FollowStore.
func (s *Store) Follow(ctx context.Context, supplierID, distributorID string) (catalog.Follow, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.follows[[2]string{supplierID, distributorID}]
	if !ok {
		return catalog.Follow{}, notFound("follow")
	}
	return f, nil
}

// SaveFollow implements catalog.FollowStore.
func (s *Store) SaveFollow(ctx context.Context, f catalog.Follow) (catalog.Change, error) {
	return s.write(func() (catalog.Change, error) {
		key := [2]string{f.SupplierID, f.DistributorID}
		if f.State == catalog.StateNone {
			delete(s.follows, key)
		} else {
			s.follows[key] = f
		}
		return catalog.Change{Kind: catalog.FollowChanged, SupplierID: f.SupplierID, At: f.Since, Follow: &f}, nil
	})
}

// Following implements catalog.FollowStore.
func (s *Store) Following(ctx context.Context, distributorID string) ([]catalog.Follow, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []catalog.Follow
	for _, f := range s.follows {
		if f.DistributorID == distributorID {
			out = append(out, f)
		}
	}
	return out, nil
}

// Followers implements catalog.FollowStore, paged by distributor ID.
func (s *Store) Followers(ctx context.Context, supplierID string, state catalog.FollowState, before string, limit int) ([]catalog.Follow, string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []catalog.Follow
	for _, f := range s.follows {
		if f.SupplierID == supplierID && f.State == state && (before == "" || f.DistributorID < before) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b catalog.Follow) int { return strings.Compare(b.DistributorID, a.DistributorID) })
	if len(out) > limit {
		return out[:limit], out[limit-1].DistributorID, nil
	}
	return out, "", nil
}
