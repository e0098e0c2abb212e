package feed

import (
	"context"

	"github.com/weigong/weigong/catalog"
)

// Service answers the feed endpoints: the merged card feed and the event
// log of one distributor. It holds no state beyond its stores.
type Service struct {
	Store   Store
	Follows catalog.FollowStore
}

// Feed returns one page of the cards of the suppliers the distributor
// actively follows, newest first, each as the distributor may see it, and
// the cursor of the next page ("" on the last page). limit is clamped to
// 1..catalog.MaxPageSize, with catalog.DefaultPageSize for limit ≤ 0. The
// follows, cards and suppliers come from one snapshot (Store.FeedPage), so
// a page never shows a card at a level its follow no longer has.
func (s *Service) Feed(ctx context.Context, distributor catalog.Account, before string, limit int) ([]catalog.CardView, string, error) {
	if err := requireDistributor(distributor); err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	page, err := s.Store.FeedPage(ctx, distributor.ID, before, limit+1)
	if err != nil {
		return nil, "", err
	}
	cards, next := page.Cards, ""
	if len(cards) > limit {
		cards, next = cards[:limit], cards[limit-1].ID
	}
	views := make([]catalog.CardView, 0, len(cards))
	for _, c := range cards {
		supplier := page.Suppliers[c.SupplierID]
		v := followerViewer(distributor.ID, page.Follows[c.SupplierID], supplier)
		if !supplier.Sees(c, v) {
			continue // in its early-access window, above this follower's level
		}
		views = append(views, catalog.ViewCard(c, supplier.Ref, v))
	}
	return views, next, nil
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
