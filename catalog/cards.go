package catalog

import (
	"context"
	"fmt"
)

// CreateCard posts a new card. It returns only after the card and its
// card.published change are committed, so the card is then in every active
// follower's feed.
func (s *Service) CreateCard(ctx context.Context, supplier Account, in CardInput) (CardView, error) {
	if err := requireRole(supplier, RoleSupplier); err != nil {
		return CardView{}, err
	}
	if in.Title == nil || in.ImageIDs == nil || in.CostPrice == nil || in.RetailPrice == nil {
		return CardView{}, Errorf(Invalid, "title, image_ids, cost_price and retail_price are required")
	}
	now := s.Now()
	c := Card{ID: s.NewID(), SupplierID: supplier.ID, CreatedAt: now, UpdatedAt: now}
	if err := s.applyCardInput(ctx, &c, supplier, in); err != nil {
		return CardView{}, err
	}
	if _, err := s.Cards.SaveCard(ctx, c, CardPublished); err != nil {
		return CardView{}, err
	}
	return ViewCard(c, supplier.Ref(), Viewer{AccountID: supplier.ID}), nil
}

// UpdateCard applies a patch from the card's owner.
func (s *Service) UpdateCard(ctx context.Context, supplier Account, id string, in CardInput) (CardView, error) {
	c, err := s.ownCard(ctx, supplier, id)
	if err != nil {
		return CardView{}, err
	}
	if err := s.applyCardInput(ctx, &c, supplier, in); err != nil {
		return CardView{}, err
	}
	c.UpdatedAt = s.Now()
	if _, err := s.Cards.SaveCard(ctx, c, CardUpdated); err != nil {
		return CardView{}, err
	}
	return ViewCard(c, supplier.Ref(), Viewer{AccountID: supplier.ID}), nil
}

// WithdrawCard takes a card out of feeds, the channel and share pages.
func (s *Service) WithdrawCard(ctx context.Context, supplier Account, id string) error {
	c, err := s.ownCard(ctx, supplier, id)
	if err != nil {
		return err
	}
	c.Withdrawn, c.UpdatedAt = true, s.Now()
	_, err = s.Cards.SaveCard(ctx, c, CardWithdrawn)
	return err
}

// ownCard loads a live card that belongs to supplier.
func (s *Service) ownCard(ctx context.Context, supplier Account, id string) (Card, error) {
	c, err := s.liveCard(ctx, id)
	if err != nil {
		return Card{}, err
	}
	if c.SupplierID != supplier.ID {
		return Card{}, Errorf(Forbidden, "only the card's supplier may change it")
	}
	return c, nil
}

// liveCard loads a card that has not been withdrawn.
func (s *Service) liveCard(ctx context.Context, id string) (Card, error) {
	c, err := s.Cards.Card(ctx, id)
	if err == nil && c.Withdrawn {
		err = Errorf(NotFound, "no such card")
	}
	if ErrorCode(err) == NotFound {
		return Card{}, Errorf(NotFound, "no such card")
	}
	return c, err
}

// applyCardInput copies the set fields of in onto c and validates the
// result as a whole, so a patch cannot break a rule that spans fields
// (such as floor ≤ retail).
func (s *Service) applyCardInput(ctx context.Context, c *Card, supplier Account, in CardInput) error {
	setIf(&c.Title, in.Title)
	setIf(&c.Description, in.Description)
	setIf(&c.CostPrice, in.CostPrice)
	setIf(&c.RetailPrice, in.RetailPrice)
	if in.FloorPrice.Set {
		c.FloorPrice = in.FloorPrice.Value
	}
	setIf(&c.LevelPrices, in.LevelPrices)
	setIf(&c.VolumePrices, in.VolumePrices)
	setIf(&c.Tags, in.Tags)
	setIf(&c.SoldOut, in.SoldOut)
	if in.ImageIDs != nil {
		images, err := s.ownImages(ctx, supplier, *in.ImageIDs)
		if err != nil {
			return err
		}
		c.Images = images
	}
	return validateCard(*c, supplier)
}

func setIf[T any](dst *T, value *T) {
	if value != nil {
		*dst = *value
	}
}

// ownImages loads the images of a card, in order, checking that each exists,
// belongs to the supplier and is used once.
func (s *Service) ownImages(ctx context.Context, supplier Account, ids []string) ([]Image, error) {
	if len(ids) < 1 || len(ids) > MaxImages {
		return nil, Errorf(Invalid, "a card needs 1 to %d images", MaxImages)
	}
	images := make([]Image, 0, len(ids))
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			return nil, Errorf(Invalid, "image_ids[%d] is listed twice", i)
		}
		seen[id] = true
		img, err := s.Images.Image(ctx, id)
		if ErrorCode(err) == NotFound || (err == nil && img.OwnerID != supplier.ID) {
			return nil, Errorf(Invalid, "image_ids[%d] is not an image you uploaded", i)
		}
		if err != nil {
			return nil, fmt.Errorf("loading image: %w", err)
		}
		images = append(images, img)
	}
	return images, nil
}

// NewImage starts an upload: it checks that the owner may upload and gives
// the image its ID, so the photo files can be written under that ID before
// SaveImage records it. A card can never point at missing files.
func (s *Service) NewImage(owner Account) (Image, error) {
	if err := requireRole(owner, RoleSupplier); err != nil {
		return Image{}, err
	}
	return Image{ID: s.NewID(), OwnerID: owner.ID, CreatedAt: s.Now()}, nil
}

// SaveImage records a processed photo's metadata.
func (s *Service) SaveImage(ctx context.Context, img Image) error {
	return s.Images.CreateImage(ctx, img)
}
