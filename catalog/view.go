package catalog

import "github.com/weigong/weigong/catalog/wire"

// Viewer is whoever is looking at a card: an account (or nobody, for
// anonymous callers) and its follow of the card's supplier, if any.
type Viewer struct {
	AccountID string
	Follow    *Follow
}

// Anonymous is the viewer of public pages.
var Anonymous = Viewer{}

// The shapes a card is shown in live in package wire, the one home of the
// API's JSON shapes; these names are the catalog's for them.
type (
	SupplierRef = wire.SupplierRef
	ImageView   = wire.Image
	PriceView   = wire.Prices
	CardView    = wire.Card
	VariantView = wire.Variant
	// EarlyAccessView is a card's early-access window as its owner and
	// followers see it.
	EarlyAccessView = wire.EarlyAccess
)

// PriceAccess is the closed-channel rule in one place. It returns whether
// the viewer owns the card's supplier account, and otherwise whether it may
// see prices and at which level.
func PriceAccess(supplierID string, v Viewer) (owner bool, level string, ok bool) {
	if v.AccountID != "" && v.AccountID == supplierID {
		return true, "", true
	}
	f := v.Follow
	if f == nil || v.AccountID == "" || f.DistributorID != v.AccountID ||
		f.SupplierID != supplierID || !f.Active() {
		return false, "", false
	}
	return false, f.Level, true
}

// ViewCard renders a card for one viewer. Every surface that shows a card
// (REST, feed, websocket frames, share and channel pages) goes through this
// function, so the price rule cannot drift between them.
func ViewCard(c Card, supplier SupplierRef, v Viewer) CardView {
	view := CardView{
		ID:          c.ID,
		Supplier:    supplier,
		Title:       c.Title,
		Description: c.Description,
		Images:      ViewImages(c.Images),
		Tags:        nonNil(c.Tags),
		SoldOut:     c.IsSoldOut(),
		CreatedAt:   c.CreatedAt,
		UpdatedAt:   c.UpdatedAt,
		Version:     c.Version,
	}
	if view.Supplier.Badges == nil {
		view.Supplier.Badges = []string{}
	}
	owner, level, ok := PriceAccess(c.SupplierID, v)
	view.Variants = viewVariants(c.Variants, ok)
	if c.EarlyAccess != nil && (owner || ok) {
		view.EarlyAccess = &EarlyAccessView{Level: c.EarlyAccess.Level, Hours: c.EarlyAccess.Hours,
			Until: c.ReleaseAt, Released: c.Released}
	}
	if !ok {
		return view
	}
	view.Stock = c.Stock
	cost := c.CostPrice
	if !owner {
		cost = c.CostFor(level)
	}
	view.Prices = &PriceView{Cost: cost, Retail: c.RetailPrice, Floor: c.FloorPrice, Volume: c.VolumePrices}
	if owner {
		costPrice, retail := c.CostPrice, c.RetailPrice
		view.CostPrice, view.RetailPrice, view.FloorPrice = &costPrice, &retail, c.FloorPrice
		view.LevelPrices, view.VolumePrices = c.LevelPrices, c.VolumePrices
	}
	return view
}

func viewVariants(variants []Variant, withStock bool) []VariantView {
	if len(variants) == 0 {
		return nil
	}
	out := make([]VariantView, len(variants))
	for i, v := range variants {
		out[i].Spec = v.Spec
		if withStock {
			out[i].Stock = v.Stock
		}
	}
	return out
}

// ViewImages renders image metadata with the public URLs of both sizes.
func ViewImages(images []Image) []ImageView {
	out := make([]ImageView, len(images))
	for i, img := range images {
		out[i] = ImageView{ID: img.ID, Width: img.Width, Height: img.Height, URLs: ImageURLs(img.ID)}
	}
	return out
}

// ImageURLs returns the public, path-absolute URLs of an image's sizes.
func ImageURLs(id string) map[string]string {
	return map[string]string{
		"grid":    "/media/" + id + "/grid.jpg",
		"display": "/media/" + id + "/display.jpg",
	}
}

// Ref returns the public summary of a supplier account.
func (a Account) Ref() SupplierRef {
	r := SupplierRef{ID: a.ID, Handle: a.Handle, Name: a.Name, Badges: a.AllBadges()}
	if len(a.EarnedBadges) > 0 {
		r.MeasuredOrders = a.BadgeOrders
	}
	return r
}

// AllBadges is the operator's badges followed by the earned ones.
func (a Account) AllBadges() []string {
	out := append([]string{}, a.Badges...)
	return append(out, a.EarnedBadges...)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
