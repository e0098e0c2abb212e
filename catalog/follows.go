package catalog

import (
	"context"
	"time"
)

// FollowSupplier makes distributor follow a supplier: active at once under
// an open policy, pending under approval. Following again is a no-op that
// returns the current state; a blocked distributor is refused.
func (s *Service) FollowSupplier(ctx context.Context, distributor Account, supplierID string) (Follow, error) {
	if err := requireRole(distributor, RoleDistributor); err != nil {
		return Follow{}, err
	}
	supplier, err := s.Supplier(ctx, supplierID)
	if err != nil {
		return Follow{}, err
	}
	f, err := s.Follows.Follow(ctx, supplier.ID, distributor.ID)
	switch {
	case err == nil && f.State == StateBlocked:
		return Follow{}, Errorf(Forbidden, "this supplier does not accept you as a follower")
	case err == nil:
		return f, nil
	case ErrorCode(err) != NotFound:
		return Follow{}, err
	}
	f = Follow{SupplierID: supplier.ID, DistributorID: distributor.ID, State: StateActive,
		Level: supplier.LowestLevel(), Since: s.Now()}
	if supplier.FollowPolicy == PolicyApproval {
		f.State = StatePending
	}
	_, err = s.Follows.SaveFollow(ctx, f)
	return f, err
}

// Unfollow ends a follow. It is idempotent, and it cannot be used to lift a
// block: a blocked distributor's record stays.
func (s *Service) Unfollow(ctx context.Context, distributor Account, supplierID string) error {
	if err := requireRole(distributor, RoleDistributor); err != nil {
		return err
	}
	supplier, err := s.Supplier(ctx, supplierID)
	if err != nil {
		return err
	}
	f, err := s.Follows.Follow(ctx, supplier.ID, distributor.ID)
	if ErrorCode(err) == NotFound || (err == nil && f.State == StateBlocked) {
		return nil
	}
	if err != nil {
		return err
	}
	f.State = StateNone
	_, err = s.Follows.SaveFollow(ctx, f)
	return err
}

// FollowerInput is the body of PATCH /v1/me/followers/{id}.
type FollowerInput struct {
	State *FollowState `json:"state"`
	Level *string      `json:"level"`
}

// UpdateFollower lets a supplier approve, block or unblock a follower, or
// move it to another level. Only a real change is recorded.
func (s *Service) UpdateFollower(ctx context.Context, supplier Account, distributorID string, in FollowerInput) (Follow, error) {
	if err := requireRole(supplier, RoleSupplier); err != nil {
		return Follow{}, err
	}
	f, err := s.Follows.Follow(ctx, supplier.ID, distributorID)
	if ErrorCode(err) == NotFound {
		return Follow{}, Errorf(NotFound, "no such follower")
	}
	if err != nil {
		return Follow{}, err
	}
	before := f
	if in.State != nil {
		if *in.State != StateActive && *in.State != StateBlocked {
			return Follow{}, Errorf(Invalid, `state must be "active" or "blocked"`)
		}
		f.State = *in.State
	}
	if in.Level != nil {
		if !supplier.HasLevel(*in.Level) {
			return Follow{}, Errorf(Invalid, "level %q is not one of your levels", *in.Level)
		}
		f.Level = *in.Level
	}
	f.Level = supplier.EffectiveLevel(f.Level)
	if f == before {
		return f, nil
	}
	_, err = s.Follows.SaveFollow(ctx, f)
	return f, err
}

// FollowingItem is one entry of GET /v1/me/following.
type FollowingItem struct {
	Supplier AccountView `json:"supplier"`
	State    FollowState `json:"state"`
	Level    string      `json:"level"`
}

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
		items = append(items, FollowingItem{Supplier: supplier.PublicView(f.Active()), State: f.State,
			Level: supplier.EffectiveLevel(f.Level)})
	}
	return items, nil
}

// FollowerItem is one entry of GET /v1/me/followers.
type FollowerItem struct {
	Distributor AccountView `json:"distributor"`
	State       FollowState `json:"state"`
	Level       string      `json:"level"`
	Since       time.Time   `json:"since"`
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
		d, err := s.Accounts.Account(ctx, f.DistributorID)
		if err != nil {
			return nil, "", err
		}
		items = append(items, FollowerItem{Distributor: d.PublicView(true), State: f.State,
			Level: supplier.EffectiveLevel(f.Level), Since: f.Since})
	}
	return items, next, nil
}
