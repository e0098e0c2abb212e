package catalog

import (
	"context"
)

// CreateCard posts a new card. The card, its card.published change and the
// request's idempotency record commit in one unit of work, so the card is
// in every active follower's event order when this returns, and a retry
// with the same Idempotency-Key gets this card rather than a second one.
func (s *Service) CreateCard(ctx context.Context, supplier Account, in CardInput) (CardView, error) {
	if err := requireRole(supplier, RoleSupplier); err != nil {
		return CardView{}, err
	}
	if in.Title == nil || in.ImageIDs == nil || in.CostPrice == nil || in.RetailPrice == nil {
		return CardView{}, Errorf(Invalid, "title, image_ids, cost_price and retail_price are required")
	}
	return update(ctx, s, supplier.ID, func(tx Tx) (CardView, error) {
		supplier, err := tx.Account(supplier.ID)
		if err != nil {
			return CardView{}, err
		}
		now := s.Now()
		c := Card{ID: s.NewID(), SupplierID: supplier.ID, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := applyCardInput(tx, &c, supplier, in); err != nil {
			return CardView{}, err
		}
		if in.EarlyAccess != nil {
			early := EarlyAccess(*in.EarlyAccess)
			if err := validateEarlyAccess(&early, supplier); err != nil {
				return CardView{}, err
			}
			c.EarlyAccess, c.ReleaseAt = &early, releaseAt(now, &early)
		}
		if _, err := tx.SaveCard(c, CardPublished); err != nil {
			return CardView{}, err
		}
		return ViewCard(c, supplier.Ref(), Viewer{AccountID: supplier.ID}), nil
	})
}

// UpdateCard applies a patch from the card's owner, honouring If-Match.
// The read, the check and the write are one unit of work: no other write
// can fall between them.
func (s *Service) UpdateCard(ctx context.Context, supplier Account, id string, in CardInput) (CardView, error) {
	if in.EarlyAccess != nil {
		return CardView{}, Errorf(Invalid, "early_access is chosen when posting a card")
	}
	return update(ctx, s, supplier.ID, func(tx Tx) (CardView, error) {
		c, supplier, err := ownCard(ctx, tx, supplier, id)
		if err != nil {
			return CardView{}, err
		}
		if err := applyCardInput(tx, &c, supplier, in); err != nil {
			return CardView{}, err
		}
		c.UpdatedAt, c.Version = s.Now(), c.Version+1
		if _, err := tx.SaveCard(c, CardUpdated); err != nil {
			return CardView{}, err
		}
		return ViewCard(c, supplier.Ref(), Viewer{AccountID: supplier.ID}), nil
	})
}

// WithdrawCard takes a card out of feeds, the channel and share pages.
func (s *Service) WithdrawCard(ctx context.Context, supplier Account, id string) error {
	_, err := update(ctx, s, supplier.ID, func(tx Tx) (struct{}, error) {
		c, _, err := ownCard(ctx, tx, supplier, id)
		if err != nil {
			return struct{}{}, err
		}
		c.Withdrawn, c.UpdatedAt, c.Version = true, s.Now(), c.Version+1
		_, err = tx.SaveCard(c, CardWithdrawn)
		return struct{}{}, err
	})
	return err
}

// ownCard loads, inside tx, a live card that belongs to supplier, checks
// the request's If-Match against it, and returns it with the supplier as
// tx sees it.
func ownCard(ctx context.Context, tx Tx, supplier Account, id string) (Card, Account, error) {
	if err := requireRole(supplier, RoleSupplier); err != nil {
		return Card{}, Account{}, err
	}
	c, err := liveCard(tx, id)
	if err != nil {
		return Card{}, Account{}, err
	}
	if c.SupplierID != supplier.ID {
		return Card{}, Account{}, Errorf(Forbidden, "only the card's supplier may change it")
	}
	if err := checkVersion(ctx, c.Version); err != nil {
		return Card{}, Account{}, err
	}
	supplier, err = tx.Account(supplier.ID)
	return c, supplier, err
}

// cardReader is what liveCard needs: a Tx, or the read-only CardStore.
type cardReader interface {
	Card(id string) (Card, error)
}

// liveCard loads a card that has not been withdrawn.
func liveCard(r cardReader, id string) (Card, error) {
	c, err := r.Card(id)
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
// (such as floor ≤ retail). Level prices of levels the supplier has
// removed since are dropped rather than refused, unless the patch itself
// names them.
func applyCardInput(tx Tx, c *Card, supplier Account, in CardInput) error {
	setIf(&c.Title, in.Title)
	setIf(&c.Description, in.Description)
	setIf(&c.CostPrice, in.CostPrice)
	setIf(&c.RetailPrice, in.RetailPrice)
	if in.FloorPrice.Set {
		c.FloorPrice = in.FloorPrice.Value
	}
	if in.LevelPrices != nil {
		c.LevelPrices = *in.LevelPrices
	} else {
		dropStaleLevelPrices(c, supplier)
	}
	setIf(&c.VolumePrices, in.VolumePrices)
	setIf(&c.Tags, in.Tags)
	setIf(&c.SoldOut, in.SoldOut)
	if in.Stock.Set {
		c.Stock = in.Stock.Value
	}
	if in.Variants != nil {
		c.Variants = make([]Variant, len(*in.Variants))
		for i, v := range *in.Variants {
			c.Variants[i] = Variant(v)
		}
	}
	if in.ImageIDs != nil {
		images, err := ownImages(tx, supplier, *in.ImageIDs)
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
func ownImages(tx Tx, supplier Account, ids []string) ([]Image, error) {
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
		img, err := tx.Image(id)
		if ErrorCode(err) == NotFound || (err == nil && img.OwnerID != supplier.ID) {
			return nil, Errorf(Invalid, "image_ids[%d] is not an image you uploaded", i)
		}
		if err != nil {
			return nil, err
		}
		images = append(images, img)
	}
	return images, nil
}

// NewImage starts an upload: it gives the image its ID, so the photo
// files can be written under that ID before SaveImage records it, and a
// card can never point at missing files. Suppliers upload card photos;
// distributors upload after-sales evidence (only its owner can use an
// image, so a distributor's photo never reaches a card).
func (s *Service) NewImage(owner Account) (Image, error) {
	if owner.Role != RoleSupplier && owner.Role != RoleDistributor {
		return Image{}, Errorf(Forbidden, "only suppliers and distributors upload photos")
	}
	return Image{ID: s.NewID(), OwnerID: owner.ID, CreatedAt: s.Now()}, nil
}

// ReplayedImage returns the first result of an upload retried with the
// same Idempotency-Key, so the handler can answer before processing the
// photo again.
func (s *Service) ReplayedImage(ctx context.Context, owner Account) (ImageView, bool, error) {
	var v ImageView
	ok, err := Replayed(ctx, s.Units.View, s.Now, owner.ID, &v)
	return v, ok, err
}

// SaveImage records a processed photo's metadata and returns its view.
// When the request's Idempotency-Key was completed meanwhile by another
// attempt, it returns that attempt's image instead and reports replayed:
// the caller then deletes the files it wrote for img.
func (s *Service) SaveImage(ctx context.Context, img Image) (view ImageView, replayed bool, err error) {
	v, err := update(ctx, s, img.OwnerID, func(tx Tx) (ImageView, error) {
		if err := tx.CreateImage(img); err != nil {
			return ImageView{}, err
		}
		return ViewImages([]Image{img})[0], nil
	})
	cond := ConditionsFrom(ctx)
	return v, cond != nil && cond.Replayed, err
}
