package memstore

import (
	"context"
	"slices"
	"strings"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// SaveCard implements catalog.CardStore.
func (s *Store) SaveCard(ctx context.Context, c catalog.Card, kind catalog.ChangeKind) (catalog.Change, error) {
	return s.write(func() (catalog.Change, error) {
		supplier, ok := s.accounts[c.SupplierID]
		if !ok {
			return catalog.Change{}, notFound("supplier")
		}
		s.cards[c.ID] = c
		return catalog.Change{Kind: kind, SupplierID: c.SupplierID, At: c.UpdatedAt, Card: &c, Supplier: supplier.Publisher()}, nil
	})
}

// Card implements catalog.CardStore.
func (s *Store) Card(ctx context.Context, id string) (catalog.Card, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.cards[id]
	if !ok {
		return catalog.Card{}, notFound("card")
	}
	return c, nil
}

// SupplierCards implements catalog.CardStore.
func (s *Store) SupplierCards(ctx context.Context, supplierID, before string, limit int) ([]catalog.Card, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.newestCards([]string{supplierID}, before, limit), nil
}

// FeedPage implements feed.Store, under one read lock.
func (s *Store) FeedPage(ctx context.Context, distributorID, before string, limit int) (feed.Page, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var followed []string
	for _, f := range s.follows {
		if f.DistributorID == distributorID && f.Active() {
			followed = append(followed, f.SupplierID)
		}
	}
	if len(followed) == 0 {
		return feed.Page{}, nil
	}
	page := feed.Page{Cards: s.newestCards(followed, before, limit),
		Follows: map[string]catalog.Follow{}, Suppliers: map[string]*catalog.Publisher{}}
	for _, c := range page.Cards {
		supplier, ok := s.accounts[c.SupplierID]
		if !ok {
			return feed.Page{}, notFound("account")
		}
		page.Follows[c.SupplierID] = s.follows[[2]string{c.SupplierID, distributorID}]
		page.Suppliers[c.SupplierID] = supplier.Publisher()
	}
	return page, nil
}

// newestCards is the live cards of the suppliers older than before, newest
// first; the caller holds the read lock.
func (s *Store) newestCards(supplierIDs []string, before string, limit int) []catalog.Card {
	var out []catalog.Card
	for _, c := range s.cards {
		if !c.Withdrawn && slices.Contains(supplierIDs, c.SupplierID) && (before == "" || c.ID < before) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b catalog.Card) int { return strings.Compare(b.ID, a.ID) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Changes implements feed.Store: card changes carry the card and its
// supplier as they are now.
func (s *Store) Changes(ctx context.Context, distributorID string, supplierIDs []string, after uint64, limit int) ([]catalog.Change, error) {
	if s.BeforeChanges != nil {
		s.BeforeChanges()
	}
	if s.AfterChanges != nil {
		defer s.AfterChanges()
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []catalog.Change
	for _, c := range s.log {
		if len(out) == limit {
			break
		}
		if c.Seq <= after || !s.concerns(c, distributorID, supplierIDs) {
			continue
		}
		if c.Card != nil {
			card, supplier := s.cards[c.Card.ID], s.accounts[c.SupplierID]
			c.Card, c.Supplier = &card, supplier.Publisher()
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Store) concerns(c catalog.Change, distributorID string, supplierIDs []string) bool {
	if c.Kind == catalog.FollowChanged {
		return c.ForDistributor(distributorID)
	}
	return slices.Contains(supplierIDs, c.SupplierID)
}
