package share

import (
	"context"

	"github.com/weigong/weigong/catalog"
)

// Page is what the public share page shows an end buyer. When Gone is set
// (the card was withdrawn, or the distributor no longer follows its
// supplier) the page shows only that the product is no longer available.
type Page struct {
	Share       Share
	Card        catalog.CardView
	Price       int64
	Distributor catalog.AccountView
	Gone        bool
	URL         string
	CollageURL  string
	// CollageWidth and CollageHeight are the collage's size in pixels, for
	// og:image:width and og:image:height.
	CollageWidth, CollageHeight int
	Origin                      string
}

// Page resolves a public share link. The card is rendered for an
// anonymous viewer, so no cost price can reach the page, and the price
// shown is the distributor's, raised to the card's current floor.
func (s *Service) Page(ctx context.Context, id, origin string) (Page, error) {
	sh, err := s.share(ctx, id)
	if err != nil {
		return Page{}, err
	}
	url := origin + "/s/" + sh.ID
	p := Page{Share: sh, URL: url, CollageURL: url + "/collage.jpg", Origin: origin}
	card, supplier, err := s.liveCard(ctx, sh.CardID)
	if err == nil && card.InEarlyAccess() {
		// Before its early-access window ends the card does not exist for
		// the public, not even as "no longer available".
		return Page{}, catalog.Errorf(catalog.NotFound, "no such share")
	}
	if catalog.ErrorCode(err) == catalog.NotFound {
		p.Gone = true
		return p, nil
	}
	if err != nil {
		return Page{}, err
	}
	distributor, err := s.Catalog.Accounts.Account(ctx, sh.DistributorID)
	if err != nil {
		return Page{}, err
	}
	if !s.activeFollower(ctx, &distributor, supplier) {
		p.Gone = true
		return p, nil
	}
	p.Card = catalog.ViewCard(card, supplier.Ref(), catalog.Anonymous)
	for i, urls := range photoURLs(sh, p.Card.Images) {
		p.Card.Images[i].URLs = urls
	}
	p.CollageWidth, p.CollageHeight = CollageSize(len(card.Images))
	p.Price = PublicPrice(sh, card)
	p.Distributor = distributor.PublicView(true)
	return p, nil
}
