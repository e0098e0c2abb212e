package catalog

import (
	"context"
	"unicode/utf8"
)

// SearchBudget bounds the candidates one search request loads and checks
// (about 2 µs each to decode, plus the text check). A page that runs out
// of budget before it is full comes back short, with a next cursor that
// resumes where it stopped, so no request can be made to walk a whole
// catalogue of cards it may not return.
const SearchBudget = 1000

// SearchStore reads the search index, which package storage writes in the
// same transaction as each card (so it is never out of step with them).
type SearchStore interface {
	// SearchCards walks the candidates of q newest first and returns those
	// q.Keep accepts, with the next page's cursor ("" on the last page).
	SearchCards(ctx context.Context, q CardSearch) ([]FoundCard, string, error)
}

// CardSearch is one walk of the search index.
type CardSearch struct {
	// SupplierIDs are the suppliers whose cards may be returned.
	SupplierIDs []string
	// Tokens must all be carried by a candidate; with none, every live
	// card of the suppliers is a candidate.
	Tokens []string
	// Before is a card ID: only older cards ("" = from the newest).
	Before string
	Limit  int
	// Budget bounds the candidates examined (0 = no bound).
	Budget int
	// Keep decides each candidate, given its supplier as the same read
	// transaction sees it. It runs inside that transaction, so it must not
	// call a store.
	Keep func(c Card, supplier *Publisher) bool
}

// FoundCard is a search result: a card and its supplier.
type FoundCard struct {
	Card     Card
	Supplier *Publisher
}

// SearchInput is the query of GET /v1/search.
type SearchInput struct {
	// Q is the text to find (ParseSearch); empty lists.
	Q string
	// SupplierID, when set, keeps one supplier's cards.
	SupplierID string
	// Tag, when set, keeps cards with that tag (case and width folded).
	Tag string
	// InStock keeps only cards that are not sold out.
	InStock bool
	Before  string
	Limit   int
}

// Search finds cards among those the caller may see: a distributor's
// search covers the suppliers it actively follows, a supplier's its own
// cards; no search reaches any other supplier. Each card is returned as
// the caller may see it (ViewCard), newest first, with the next page's
// cursor ("" on the last). Prices are not searched: the index holds only
// titles, descriptions and tags.
func (s *Service) Search(ctx context.Context, caller Account, in SearchInput) ([]CardView, string, error) {
	text, err := ParseSearch(in.Q)
	if err != nil {
		return nil, "", err
	}
	if !utf8.ValidString(in.Tag) || utf8.RuneCountInString(in.Tag) > MaxTagLen {
		return nil, "", Errorf(Invalid, "tag must be valid UTF-8 of at most %d characters", MaxTagLen)
	}
	scope, err := s.searchScope(ctx, caller, in.SupplierID)
	if err != nil || len(scope.follows) == 0 {
		return []CardView{}, "", err
	}
	tokens := text.Tokens
	if in.Tag != "" {
		tokens = append(tokens, TagToken(in.Tag))
	}
	keep := func(c Card, supplier *Publisher) bool {
		return searchVisible(c, supplier, scope.viewer(c.SupplierID, supplier)) && text.Matches(c) &&
			(in.Tag == "" || c.HasTag(in.Tag)) && (!in.InStock || !c.IsSoldOut())
	}
	found, next, err := s.SearchIndex.SearchCards(ctx, CardSearch{SupplierIDs: scope.supplierIDs(),
		Tokens: tokens, Before: in.Before, Limit: clampPage(in.Limit), Budget: SearchBudget, Keep: keep})
	if err != nil {
		return nil, "", err
	}
	views := make([]CardView, len(found))
	for i, f := range found {
		views[i] = ViewCard(f.Card, f.Supplier.Ref, scope.viewer(f.Card.SupplierID, f.Supplier))
	}
	return views, next, nil
}

// searchVisible is the one rule deciding which cards a search may return
// to a viewer; every candidate passes through it before anything of it is
// returned: the owner and active followers (searchScope already keeps to
// their suppliers; this holds even if it did not), and, for a card in its
// early-access window, only those at its level or above
// (Publisher.Sees), so a search reveals no more than the feed.
func searchVisible(c Card, supplier *Publisher, v Viewer) bool {
	_, _, ok := PriceAccess(c.SupplierID, v)
	return ok && !c.Withdrawn && supplier.Sees(c, v)
}

// searchScope holds whose cards a search covers and as whom: the caller's
// active follows by supplier ID, or, for a supplier, itself with no follow.
type searchScope struct {
	callerID string
	follows  map[string]*Follow
}

// searchScope returns the suppliers a caller's search covers, narrowed to
// onlySupplier when it is set (a supplier the caller may not search
// leaves nothing, rather than an error that would tell it apart).
func (s *Service) searchScope(ctx context.Context, caller Account, onlySupplier string) (searchScope, error) {
	scope := searchScope{callerID: caller.ID, follows: map[string]*Follow{}}
	switch caller.Role {
	case RoleSupplier:
		scope.follows[caller.ID] = nil
	case RoleDistributor:
		all, err := s.Follows.Following(ctx, caller.ID)
		if err != nil {
			return scope, err
		}
		for _, f := range all {
			if f.Active() && f.DistributorID == caller.ID {
				scope.follows[f.SupplierID] = &f
			}
		}
	default:
		return scope, Errorf(Forbidden, "only suppliers and distributors search")
	}
	if onlySupplier != "" {
		f, ok := scope.follows[onlySupplier]
		clear(scope.follows)
		if ok {
			scope.follows[onlySupplier] = f
		}
	}
	return scope, nil
}

func (sc searchScope) supplierIDs() []string {
	ids := make([]string, 0, len(sc.follows))
	for id := range sc.follows {
		ids = append(ids, id)
	}
	return ids
}

// viewer is the caller as the viewer of one supplier's cards: the owner,
// or a follower at its level, a removed level counting as the lowest (as
// in ViewerFor).
func (sc searchScope) viewer(supplierID string, supplier *Publisher) Viewer {
	f, ok := sc.follows[supplierID]
	if !ok || f == nil {
		return Viewer{AccountID: sc.callerID}
	}
	follow := *f
	follow.Level = supplier.EffectiveLevel(follow.Level)
	return Viewer{AccountID: sc.callerID, Follow: &follow}
}

// clampPage applies the paging limits: DefaultPageSize for limit ≤ 0, at
// most MaxPageSize.
func clampPage(limit int) int {
	switch {
	case limit <= 0:
		return DefaultPageSize
	case limit > MaxPageSize:
		return MaxPageSize
	}
	return limit
}
