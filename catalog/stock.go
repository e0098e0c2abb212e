package catalog

import (
	"unicode/utf8"

	"github.com/weigong/weigong/catalog/wire"
)

// Limits on variants (API.md part 2, "Cards: stock, variants").
const (
	MaxVariants   = 50
	MaxVariantLen = 40
)

// Variant is one purchasable version of a card, such as "红/XL". Stock nil
// means unlimited.
type Variant struct {
	Spec  string
	Stock *int64
}

// OptionalStock is the stock field of a card patch: absent, null
// (unlimited) or a count of pieces (wire.OptionalStock).
type OptionalStock = wire.OptionalStock

// TracksStock reports whether any of the card's stock is counted.
func (c Card) TracksStock() bool {
	if len(c.Variants) == 0 {
		return c.Stock != nil
	}
	for _, v := range c.Variants {
		if v.Stock != nil {
			return true
		}
	}
	return false
}

// OutOfStock reports whether the card's counted stock is all gone: every
// variant (or the card itself) has a stock, and every stock is 0.
func (c Card) OutOfStock() bool {
	if len(c.Variants) == 0 {
		return c.Stock != nil && *c.Stock <= 0
	}
	for _, v := range c.Variants {
		if v.Stock == nil || *v.Stock > 0 {
			return false
		}
	}
	return true
}

// IsSoldOut is what every surface shows as sold_out: set by the supplier,
// or reached when the stock runs out (and lifted again when cancelled
// orders return it).
func (c Card) IsSoldOut() bool { return c.SoldOut || c.OutOfStock() }

// stockOf returns the stock counter an order line draws from: the
// variant's, or the card's when it has no variants. It is nil for
// unlimited stock. A variant that does not exist, or one missing on a card
// with variants, is Invalid.
func (c *Card) stockOf(variant string) (**int64, error) {
	if len(c.Variants) == 0 {
		if variant != "" {
			return nil, Errorf(Invalid, "card %s has no variants", c.ID)
		}
		return &c.Stock, nil
	}
	for i := range c.Variants {
		if c.Variants[i].Spec == variant {
			return &c.Variants[i].Stock, nil
		}
	}
	if variant == "" {
		return nil, Errorf(Invalid, "card %s has variants: name one", c.ID)
	}
	return nil, Errorf(Invalid, "card %s has no variant %q", c.ID, variant)
}

// available returns how many pieces of a variant are left, and false for
// unlimited stock.
func (c Card) available(variant string) (int64, bool, error) {
	p, err := c.stockOf(variant)
	if err != nil || *p == nil {
		return 0, false, err
	}
	return **p, true, nil
}

// adjustStock moves a variant's stock by delta (negative to reserve,
// positive to return). Unlimited stock stays unlimited.
func (c *Card) adjustStock(variant string, delta int64) error {
	p, err := c.stockOf(variant)
	if err != nil || *p == nil {
		return err
	}
	n := **p + delta
	*p = &n
	return nil
}

func validateStock(c Card) error {
	if c.Stock != nil && len(c.Variants) > 0 {
		return Errorf(Invalid, "a card with variants keeps its stock on each variant, not on the card")
	}
	if c.Stock != nil && (*c.Stock < 0 || *c.Stock > MaxQuantity) {
		return Errorf(Invalid, "stock must be between 0 and %d", MaxQuantity)
	}
	if len(c.Variants) > MaxVariants {
		return Errorf(Invalid, "a card has at most %d variants", MaxVariants)
	}
	seen := map[string]bool{}
	for i, v := range c.Variants {
		if n := utf8.RuneCountInString(v.Spec); v.Spec == "" || n > MaxVariantLen {
			return Errorf(Invalid, "variants[%d].spec must be 1 to %d characters", i, MaxVariantLen)
		}
		if err := validateText("variants spec", v.Spec, MaxVariantLen); err != nil {
			return err
		}
		if seen[v.Spec] {
			return Errorf(Invalid, "variants[%d].spec %q is listed twice", i, v.Spec)
		}
		seen[v.Spec] = true
		if v.Stock != nil && (*v.Stock < 0 || *v.Stock > MaxQuantity) {
			return Errorf(Invalid, "variants[%d].stock must be between 0 and %d", i, MaxQuantity)
		}
	}
	return nil
}
