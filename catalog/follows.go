package catalog

import (
	"context"

	"github.com/weigong/weigong/catalog/wire"
)

// FollowSupplier makes distributor follow a supplier: active at once under
// an open policy, pending under approval. Following again is a no-op that
// returns the current state; a blocked distributor is refused.
func (s *Service) FollowSupplier(ctx context.Context, distributor Account, supplierID string) (Follow, error) {
	if err := requireRole(distributor, RoleDistributor); err != nil {
		return Follow{}, err
	}
	return update(ctx, s, distributor.ID, func(tx Tx) (Follow, error) {
		supplier, err := supplierIn(tx, supplierID)
		if err != nil {
			return Follow{}, err
		}
		f, err := tx.Follow(supplier.ID, distributor.ID)
		switch {
		case err == nil && f.State == StateBlocked:
			return Follow{}, Errorf(Forbidden, "this supplier does not accept you as a follower")
		case err == nil:
			return f, nil
		case ErrorCode(err) != NotFound:
			return Follow{}, err
		}
		f = Follow{SupplierID: supplier.ID, DistributorID: distributor.ID, State: StateActive,
			Level: supplier.LowestLevel(), ManualLevel: supplier.LowestLevel(), Since: s.Now(), Version: 1}
		if supplier.FollowPolicy == PolicyApproval {
			f.State = StatePending
		}
		if _, err = tx.SaveFollow(f); err != nil || f.State != StatePending {
			return f, err
		}
		_, err = tx.FollowRequested(f)
		return f, err
	})
}

// Unfollow ends a follow. It is idempotent, and it cannot be used to lift a
// block: a blocked distributor's record stays.
func (s *Service) Unfollow(ctx context.Context, distributor Account, supplierID string) error {
	if err := requireRole(distributor, RoleDistributor); err != nil {
		return err
	}
	_, err := update(ctx, s, distributor.ID, func(tx Tx) (struct{}, error) {
		supplier, err := supplierIn(tx, supplierID)
		if err != nil {
			return struct{}{}, err
		}
		f, err := tx.Follow(supplier.ID, distributor.ID)
		if ErrorCode(err) == NotFound || (err == nil && f.State == StateBlocked) {
			return struct{}{}, nil
		}
		if err != nil {
			return struct{}{}, err
		}
		f.State = StateNone
		_, err = tx.SaveFollow(f)
		return struct{}{}, err
	})
	return err
}

// FollowerInput is the body of PATCH /v1/me/followers/{id}
// (wire.FollowerPatch); State is StateActive or StateBlocked.
type FollowerInput = wire.FollowerPatch

// UpdateFollower lets a supplier approve, block or unblock a follower, or
// move it to another level, honouring If-Match against the follow's
// version. Only a real change is recorded.
func (s *Service) UpdateFollower(ctx context.Context, supplier Account, distributorID string, in FollowerInput) (FollowerItem, error) {
	if err := requireRole(supplier, RoleSupplier); err != nil {
		return FollowerItem{}, err
	}
	return update(ctx, s, supplier.ID, func(tx Tx) (FollowerItem, error) {
		supplier, err := tx.Account(supplier.ID)
		if err != nil {
			return FollowerItem{}, err
		}
		f, err := tx.Follow(supplier.ID, distributorID)
		if ErrorCode(err) == NotFound {
			return FollowerItem{}, Errorf(NotFound, "no such follower")
		}
		if err != nil {
			return FollowerItem{}, err
		}
		if err := checkVersion(ctx, f.Version); err != nil {
			return FollowerItem{}, err
		}
		changed, err := applyFollowerInput(f, supplier, in)
		if err != nil {
			return FollowerItem{}, err
		}
		if changed.Version != f.Version {
			if _, err := tx.SaveFollow(changed); err != nil {
				return FollowerItem{}, err
			}
		}
		return followerItem(tx, supplier, changed)
	})
}

// applyFollowerInput returns f changed as in asks, with its version raised
// when anything changed.
func applyFollowerInput(f Follow, supplier Account, in FollowerInput) (Follow, error) {
	before := f
	if in.State != nil {
		if state := FollowState(*in.State); state != StateActive && state != StateBlocked {
			return Follow{}, Errorf(Invalid, `state must be "active" or "blocked"`)
		}
		f.State = FollowState(*in.State)
	}
	if f.ManualLevel == "" {
		f.ManualLevel = f.Level
	}
	if in.Level != nil {
		if !supplier.HasLevel(*in.Level) {
			return Follow{}, Errorf(Invalid, "level %q is not one of your levels", *in.Level)
		}
		f.ManualLevel = *in.Level
	}
	f = settleLevel(f, supplier, f.EarnedLevel)
	if f != before {
		f.Version++
	}
	return f, nil
}

// FollowingItem is one entry of GET /v1/me/following (wire.Following).
type FollowingItem = wire.Following

// Following lists the suppliers a distributor follows, in any state.
func (s *Service) Following(ctx context.Context, distributor Account) ([]FollowingItem, error) {
	if err := requireRole(distributor, RoleDistributor); err != nil {
		return nil, err
	}
	follows, err := s.Follows.Following(ctx, distributor.ID)
	if err != nil {
		return nil, err
	}
	items := make([]FollowingItem, 0, len(follows))
	for _, f := range follows {
		supplier, err := s.Accounts.Account(ctx, f.SupplierID)
		if err != nil {
			return nil, err
		}
		items = append(items, FollowingItem{Supplier: supplier.PublicView(f.Active()), State: string(f.State),
			Level: supplier.EffectiveLevel(f.Level)})
	}
	return items, nil
}

// FollowerItem is one entry of GET /v1/me/followers, and the answer to
// PATCH /v1/me/followers/{id} (wire.Follower).
type FollowerItem = wire.Follower

// accountReader is what followerItem needs: a Tx, or an adapter over the
// read-only AccountStore.
type accountReader interface {
	Account(id string) (Account, error)
}

func followerItem(r accountReader, supplier Account, f Follow) (FollowerItem, error) {
	d, err := r.Account(f.DistributorID)
	if err != nil {
		return FollowerItem{}, err
	}
	return FollowerItem{Distributor: d.PublicView(true), State: string(f.State),
		Level: supplier.EffectiveLevel(f.Level), Since: f.Since, Version: f.Version}, nil
}

// Followers lists one page of a supplier's followers in one state.
func (s *Service) Followers(ctx context.Context, supplier Account, state FollowState, before string, limit int) ([]FollowerItem, string, error) {
	if err := requireRole(supplier, RoleSupplier); err != nil {
		return nil, "", err
	}
	if state != StateActive && state != StatePending && state != StateBlocked {
		return nil, "", Errorf(Invalid, "state must be active, pending or blocked")
	}
	follows, next, err := s.Follows.Followers(ctx, supplier.ID, state, before, limit)
	if err != nil {
		return nil, "", err
	}
	items := make([]FollowerItem, 0, len(follows))
	for _, f := range follows {
		item, err := followerItem(storeReader{ctx, s.Accounts}, supplier, f)
		if err != nil {
			return nil, "", err
		}
		items = append(items, item)
	}
	return items, next, nil
}

// storeReader reads accounts outside a transaction, for lists whose pages
// need no snapshot across rows.
type storeReader struct {
	ctx      context.Context
	accounts AccountStore
}

func (r storeReader) Account(id string) (Account, error) { return r.accounts.Account(r.ctx, id) }
