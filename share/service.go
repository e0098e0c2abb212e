package share

import (
	"context"
	"time"

	"github.com/weigong/weigong/catalog"

	"github.com/weigong/weigong/catalog/wire"
)

// Service creates, lists and resolves shares. Origin turns paths into the
// absolute links a social app needs.
type Service struct {
	Shares  Store
	Catalog *catalog.Service
	Views   *ViewCounter
	Now     func() time.Time
}

// View is a share as the API shows it to its distributor (wire.Share,
// the one home of the API's shapes).
type View = wire.Share

// Create makes a share for a distributor that actively follows the card's
// supplier (POST /v1/shares).
func (s *Service) Create(ctx context.Context, distributor catalog.Account, in Input, origin string) (View, error) {
	if distributor.Role != catalog.RoleDistributor {
		return View{}, catalog.Errorf(catalog.Forbidden, "only distributors share cards")
	}
	return catalog.Idempotent(ctx, s.Shares.UpdateShares, s.now, distributor.ID, func(tx Tx) (View, error) {
		card, err := tx.Card(in.CardID)
		if err == nil && card.Withdrawn {
			err = catalog.Errorf(catalog.NotFound, "no such card")
		}
		if err != nil {
			return View{}, err
		}
		f, err := tx.Follow(card.SupplierID, distributor.ID)
		if catalog.ErrorCode(err) == catalog.NotFound || (err == nil && !f.Active()) {
			if card.InEarlyAccess() {
				return View{}, catalog.Errorf(catalog.NotFound, "no such card")
			}
			return View{}, catalog.Errorf(catalog.Forbidden, "follow this supplier to share its cards")
		}
		if err != nil {
			return View{}, err
		}
		if card.InEarlyAccess() {
			supplier, err := tx.Account(card.SupplierID)
			if err != nil {
				return View{}, err
			}
			if !supplier.Publisher().Sees(card, catalog.Viewer{AccountID: distributor.ID, Follow: &f}) {
				return View{}, catalog.Errorf(catalog.NotFound, "no such card")
			}
		}
		text, price, err := checkInput(in, card)
		if err != nil {
			return View{}, err
		}
		id, err := newShareID()
		if err != nil {
			return View{}, err
		}
		sh := Share{ID: id, DistributorID: distributor.ID, CardID: card.ID, SupplierID: card.SupplierID,
			Text: text, Price: price, CreatedAt: s.now(), Watermark: in.Watermark}
		if err := tx.CreateShare(sh); err != nil {
			return View{}, err
		}
		return s.view(sh, card, origin), nil
	})
}

// List returns one page of a distributor's shares with their view counts.
func (s *Service) List(ctx context.Context, distributor catalog.Account, before string, limit int, origin string) ([]View, string, error) {
	shares, next, err := s.Shares.DistributorShares(ctx, distributor.ID, before, limit)
	if err != nil {
		return nil, "", err
	}
	views := make([]View, 0, len(shares))
	for _, sh := range shares {
		card, err := s.Catalog.Cards.Card(ctx, sh.CardID)
		if err != nil {
			return nil, "", err
		}
		views = append(views, s.view(sh, card, origin))
	}
	return views, next, nil
}

// Delete removes one of the distributor's own shares; its link stops
// working at once.
func (s *Service) Delete(ctx context.Context, distributor catalog.Account, id string) error {
	sh, err := s.share(ctx, id)
	if err != nil {
		return err
	}
	if sh.DistributorID != distributor.ID {
		return catalog.Errorf(catalog.NotFound, "no such share")
	}
	return s.Shares.DeleteShare(ctx, id)
}

func (s *Service) view(sh Share, card catalog.Card, origin string) View {
	url := origin + "/s/" + sh.ID
	photos := photoURLs(sh, catalog.ViewImages(card.Images))
	urls := make([]string, len(photos))
	for i, p := range photos {
		urls[i] = origin + p["display"]
	}
	price := PublicPrice(sh, card)
	return View{ID: sh.ID, URL: url, CollageURL: url + "/collage.jpg", CardID: sh.CardID, Text: sh.Text,
		Price: price, CopyText: CopyText(sh.Text, price, url), ImageURLs: urls, CreatedAt: sh.CreatedAt,
		Views: sh.Views + s.Views.Pending(sh.ID), Orders: sh.Orders, Sales: sh.Sales, Watermark: sh.Watermark}
}

func (s *Service) share(ctx context.Context, id string) (Share, error) {
	if !ValidShareID(id) {
		return Share{}, catalog.Errorf(catalog.NotFound, "no such share")
	}
	return s.Shares.Share(ctx, id)
}

// liveCard loads a card that has not been withdrawn, with its supplier.
func (s *Service) liveCard(ctx context.Context, id string) (catalog.Card, catalog.Account, error) {
	card, err := s.Catalog.Cards.Card(ctx, id)
	if err == nil && card.Withdrawn {
		err = catalog.Errorf(catalog.NotFound, "no such card")
	}
	if catalog.ErrorCode(err) == catalog.NotFound {
		return catalog.Card{}, catalog.Account{}, catalog.Errorf(catalog.NotFound, "no such card")
	}
	if err != nil {
		return catalog.Card{}, catalog.Account{}, err
	}
	supplier, err := s.Catalog.Accounts.Account(ctx, card.SupplierID)
	return card, supplier, err
}

func (s *Service) activeFollower(ctx context.Context, a *catalog.Account, supplier catalog.Account) bool {
	v, err := s.Catalog.ViewerFor(ctx, a, supplier)
	return err == nil && v.Follow != nil && v.Follow.Active()
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now().UTC()
}
