package catalog

import "context"

// ViewerFor builds the viewer of a supplier's cards: the account (nil for
// anonymous callers) and its follow of that supplier. A follower whose
// level the supplier has since removed is treated as being on the lowest
// level, so removing a level never leaves anyone on a stale price.
func (s *Service) ViewerFor(ctx context.Context, account *Account, supplier Account) (Viewer, error) {
	follow := func(supplierID, distributorID string) (Follow, error) {
		return s.Follows.Follow(ctx, supplierID, distributorID)
	}
	return viewerFor(follow, account, supplier)
}

// viewerFor is ViewerFor over any way of reading a follow (a Tx's, or the
// FollowStore's).
func viewerFor(follow func(supplierID, distributorID string) (Follow, error), account *Account, supplier Account) (Viewer, error) {
	if account == nil {
		return Anonymous, nil
	}
	v := Viewer{AccountID: account.ID}
	if account.Role != RoleDistributor {
		return v, nil
	}
	f, err := follow(supplier.ID, account.ID)
	if ErrorCode(err) == NotFound {
		return v, nil
	}
	if err != nil {
		return Viewer{}, err
	}
	f.Level = supplier.EffectiveLevel(f.Level)
	v.Follow = &f
	return v, nil
}

// EffectiveLevel returns level if the supplier still has it, else the
// lowest level.
func (a Account) EffectiveLevel(level string) string {
	if a.HasLevel(level) {
		return level
	}
	return a.LowestLevel()
}

// Card returns a live card as account (nil: anonymous) may see it, from
// one snapshot: the card, its supplier and the caller's follow.
func (s *Service) Card(ctx context.Context, account *Account, id string) (CardView, error) {
	return view(ctx, s, func(tx Tx) (CardView, error) {
		c, err := liveCard(tx, id)
		if err != nil {
			return CardView{}, err
		}
		supplier, err := tx.Account(c.SupplierID)
		if err != nil {
			return CardView{}, err
		}
		v, err := viewerFor(tx.Follow, account, supplier)
		if err != nil {
			return CardView{}, err
		}
		if !supplier.Publisher().Sees(c, v) {
			return CardView{}, Errorf(NotFound, "no such card")
		}
		return ViewCard(c, supplier.Ref(), v), nil
	})
}

// Page limits for every cursor-paginated list.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// SupplierCards returns one page of a supplier's channel, newest first, as
// account may see it, and the cursor of the next page ("" on the last).
func (s *Service) SupplierCards(ctx context.Context, account *Account, supplier Account, before string, limit int) ([]CardView, string, error) {
	v, err := s.ViewerFor(ctx, account, supplier)
	if err != nil {
		return nil, "", err
	}
	cards, err := s.Cards.SupplierCards(ctx, supplier.ID, before, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(cards) > limit {
		cards, next = cards[:limit], cards[limit-1].ID
	}
	ref, pub := supplier.Ref(), supplier.Publisher()
	views := make([]CardView, 0, len(cards))
	for _, c := range cards {
		if pub.Sees(c, v) {
			views = append(views, ViewCard(c, ref, v))
		}
	}
	return views, next, nil
}
