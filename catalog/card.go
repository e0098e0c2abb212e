package catalog

import (
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// Limits on card fields.
const (
	MaxImages         = 9
	MaxTitleLen       = 100
	MaxDescriptionLen = 2000
	MaxTags           = 10
	MaxTagLen         = 20
	MaxVolumeTiers    = 10
	MaxQuantity       = 1_000_000
	// MaxPrice is 10 million yuan in fen: far above any real product, far
	// below anything that could overflow arithmetic on prices.
	MaxPrice = 1_000_000_000
)

// Image is the metadata of an uploaded photo. The pixels live in the blob
// store; only the owner may put an image on a card.
type Image struct {
	ID        string
	OwnerID   string
	Width     int
	Height    int
	CreatedAt time.Time
}

// VolumePrice is a cheaper price (fen) from a quantity on.
type VolumePrice = wire.VolumePrice

// Card is one product post: one to nine photos in order, text and prices.
// All money is in fen.
type Card struct {
	ID           string
	SupplierID   string
	Title        string
	Description  string
	Images       []Image
	Tags         []string
	CostPrice    int64
	RetailPrice  int64
	FloorPrice   *int64
	LevelPrices  map[string]int64
	VolumePrices []VolumePrice
	// SoldOut is the supplier's own flag; IsSoldOut adds running out of
	// stock.
	SoldOut bool
	// Stock counts the pieces left of a card without variants; nil is
	// unlimited. A card with variants counts each variant's instead.
	Stock    *int64
	Variants []Variant
	// EarlyAccess, when set, hides the card from followers below its level
	// until ReleaseAt; Released and ReleaseSeq (the Seq of its release
	// change) are set when the window ends.
	EarlyAccess *EarlyAccess
	ReleaseAt   time.Time
	Released    bool
	ReleaseSeq  uint64
	Withdrawn   bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Version counts the card's writes, from 1; If-Match compares with it.
	Version int64
}

// CostFor returns what a follower on the given level pays. Levels without a
// price of their own (including levels the supplier has since removed) pay
// the base cost price.
func (c Card) CostFor(level string) int64 {
	if p, ok := c.LevelPrices[level]; ok {
		return p
	}
	return c.CostPrice
}

// CardInput is what a supplier sends to create a card, or the fields it
// changes in a PATCH (nil means "leave as is"): wire.CardInput.
type CardInput = wire.CardInput

// OptionalPrice is the floor_price field of a card patch: absent, null
// (remove) or a number of fen (wire.OptionalPrice).
type OptionalPrice = wire.OptionalPrice

// validateCard checks a card's fields after a create or a patch has been
// applied, against its supplier's levels.
func validateCard(c Card, supplier Account) error {
	if c.Title == "" {
		return Errorf(Invalid, "title is required")
	}
	if err := validateText("title", c.Title, MaxTitleLen); err != nil {
		return err
	}
	if err := validateText("description", c.Description, MaxDescriptionLen); err != nil {
		return err
	}
	if len(c.Images) < 1 || len(c.Images) > MaxImages {
		return Errorf(Invalid, "a card needs 1 to %d images", MaxImages)
	}
	if err := validateTags(c.Tags); err != nil {
		return err
	}
	if err := validateStock(c); err != nil {
		return err
	}
	return validatePrices(c, supplier)
}

func validateTags(tags []string) error {
	if len(tags) > MaxTags {
		return Errorf(Invalid, "a card has at most %d tags", MaxTags)
	}
	for _, t := range tags {
		if t == "" {
			return Errorf(Invalid, "tags must not be empty")
		}
		if err := validateText("tag", t, MaxTagLen); err != nil {
			return err
		}
	}
	return nil
}

// dropStaleLevelPrices removes the prices of levels the supplier no longer
// has. A removed level's followers already pay the lowest level's price
// (Account.EffectiveLevel); its price must not linger, break the card's
// next edit, or come back if a level of the same name is added later.
// It reports whether anything was removed.
func dropStaleLevelPrices(c *Card, supplier Account) bool {
	dropped := false
	for level := range c.LevelPrices {
		if !supplier.HasLevel(level) {
			delete(c.LevelPrices, level)
			dropped = true
		}
	}
	return dropped
}

// validatePrices enforces the price rules. Its messages never quote a price,
// because error messages are not covered by the visibility rule.
func validatePrices(c Card, supplier Account) error {
	if !validPrice(c.CostPrice) {
		return Errorf(Invalid, "cost_price must be a positive number of fen up to %d", int64(MaxPrice))
	}
	if !validPrice(c.RetailPrice) {
		return Errorf(Invalid, "retail_price must be a positive number of fen up to %d", int64(MaxPrice))
	}
	if c.FloorPrice != nil {
		if !validPrice(*c.FloorPrice) {
			return Errorf(Invalid, "floor_price must be a positive number of fen")
		}
		if *c.FloorPrice > c.RetailPrice {
			return Errorf(Invalid, "floor_price must not be above retail_price")
		}
	}
	for level, p := range c.LevelPrices {
		if !supplier.HasLevel(level) {
			return Errorf(Invalid, "level_prices names %q, which is not one of your levels", level)
		}
		if !validPrice(p) {
			return Errorf(Invalid, "level_prices must be positive numbers of fen")
		}
	}
	return validateVolume(c.VolumePrices)
}

func validateVolume(tiers []VolumePrice) error {
	if len(tiers) > MaxVolumeTiers {
		return Errorf(Invalid, "volume_prices has at most %d tiers", MaxVolumeTiers)
	}
	for i, t := range tiers {
		if t.MinQty < 2 || t.MinQty > MaxQuantity {
			return Errorf(Invalid, "volume_prices min_qty must be between 2 and %d", MaxQuantity)
		}
		if !validPrice(t.Price) {
			return Errorf(Invalid, "volume_prices price must be a positive number of fen")
		}
		if i > 0 && t.MinQty <= tiers[i-1].MinQty {
			return Errorf(Invalid, "volume_prices min_qty must strictly increase")
		}
		if i > 0 && t.Price > tiers[i-1].Price {
			return Errorf(Invalid, "volume_prices price must not increase with quantity")
		}
	}
	return nil
}

func validPrice(p int64) bool { return p > 0 && p <= MaxPrice }
