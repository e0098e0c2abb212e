package feed

import (
	"context"

	"github.com/weigong/weigong/catalog"
)

// Service answers the feed endpoints: the merged card feed and the event
// log of one distributor. It holds no state beyond its stores.
type Service struct {
	Store    Store
	Follows  catalog.FollowStore
	Accounts catalog.AccountStore
}

// Feed returns one page of the cards of the suppliers the distributor
// actively follows, newest first, each as the distributor may see it, and
// the cursor of the next page ("" on the last page). limit is clamped to
// 1..catalog.MaxPageSize, with catalog.DefaultPageSize for limit ≤ 0.
func (s *Service) Feed(ctx context.Context, distributor catalog.Account, before string, limit int) ([]catalog.CardView, string, error) {
	if err := requireDistributor(distributor); err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	follows, ids, err := activeFollows(ctx, s.Follows, distributor.ID)
	if err != nil || len(ids) == 0 {
		return []catalog.CardView{}, "", err
	}
	cards, err := s.Store.FeedCards(ctx, ids, before, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(cards) > limit {
		cards, next = cards[:limit], cards[limit-1].ID
	}
	views := make([]catalog.CardView, 0, len(cards))
	suppliers := map[string]*catalog.Publisher{}
	for _, c := range cards {
		supplier, err := s.supplier(ctx, suppliers, c.SupplierID)
		if err != nil {
			return nil, "", err
		}
		v := followerViewer(distributor.ID, follows[c.SupplierID], supplier)
		if !supplier.Sees(c, v) {
			continue // in its early-access window, above this follower's level
		}
		views = append(views, catalog.ViewCard(c, supplier.Ref, v))
	}
	return views, next, nil
}

// supplier loads a supplier account once per page.
func (s *Service) supplier(ctx context.Context, cache map[string]*catalog.Publisher, id string) (*catalog.Publisher, error) {
	if p, ok := cache[id]; ok {
		return p, nil
	}
	a, err := s.Accounts.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	cache[id] = a.Publisher()
	return cache[id], nil
}

// activeFollows returns the distributor's active follows by supplier ID, and
// those supplier IDs. Pending and blocked follows grant nothing.
func activeFollows(ctx context.Context, store catalog.FollowStore, distributorID string) (map[string]catalog.Follow, []string, error) {
	all, err := store.Following(ctx, distributorID)
	if err != nil {
		return nil, nil, err
	}
	follows := make(map[string]catalog.Follow, len(all))
	ids := make([]string, 0, len(all))
	for _, f := range all {
		if f.Active() && f.DistributorID == distributorID {
			follows[f.SupplierID] = f
			ids = append(ids, f.SupplierID)
		}
	}
	return follows, ids, nil
}

// requireDistributor refuses suppliers: only distributors have a feed.
func requireDistributor(a catalog.Account) error {
	if a.Role != catalog.RoleDistributor {
		return catalog.Errorf(catalog.Forbidden, "only a distributor has a feed")
	}
	return nil
}

func clampLimit(limit int) int {
	switch {
	case limit <= 0:
		return catalog.DefaultPageSize
	case limit > catalog.MaxPageSize:
		return catalog.MaxPageSize
	}
	return limit
}
