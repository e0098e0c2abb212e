package catalog

import "time"

// Viewer is whoever is looking at a card: an account (or nobody, for
// anonymous callers) and its follow of the card's supplier, if any.
type Viewer struct {
	AccountID string
	Follow    *Follow
}

// Anonymous is the viewer of public pages.
var Anonymous = Viewer{}

// SupplierRef is the public summary of a supplier shown on each card.
// Badges holds the operator's (verified) and the earned ones; earned
// badges are "measured from MeasuredOrders orders in 90 days".
type SupplierRef struct {
	ID             string   `json:"id"`
	Handle         string   `json:"handle"`
	Name           string   `json:"name"`
	Badges         []string `json:"badges"`
	MeasuredOrders int      `json:"measured_orders,omitempty"`
}

// ImageView is an image as the API shows it.
type ImageView struct {
	ID     string            `json:"id"`
	Width  int               `json:"width"`
	Height int               `json:"height"`
	URLs   map[string]string `json:"urls"`
}

// PriceView is what a permitted viewer sees of a card's prices: Cost is the
// viewer's own cost (its level's price), never another level's.
type PriceView struct {
	Cost   int64         `json:"cost"`
	Retail int64         `json:"retail"`
	Floor  *int64        `json:"floor,omitempty"`
	Volume []VolumePrice `json:"volume,omitempty"`
}

// CardView is a card as one viewer may see it. Prices is nil (and so absent
// from JSON) for everyone but the owner and active followers; the owner-only
// fields are nil for everyone but the owner.
type CardView struct {
	ID          string      `json:"id"`
	Supplier    SupplierRef `json:"supplier"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Images      []ImageView `json:"images"`
	Tags        []string    `json:"tags"`
	SoldOut     bool        `json:"sold_out"`
	// Stock and Variants' stocks are shown to the owner and active
	// followers only; others see the variants' specs.
	Stock     *int64        `json:"stock,omitempty"`
	Variants  []VariantView `json:"variants,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
	Version   int64         `json:"version"`
	// EarlyAccess is shown to those who see the card inside its window
	// (its owner and followers at the level), with the release time.
	EarlyAccess *EarlyAccessView `json:"early_access,omitempty"`
	Prices      *PriceView       `json:"prices,omitempty"`

	CostPrice    *int64           `json:"cost_price,omitempty"`
	RetailPrice  *int64           `json:"retail_price,omitempty"`
	FloorPrice   *int64           `json:"floor_price,omitempty"`
	LevelPrices  map[string]int64 `json:"level_prices,omitempty"`
	VolumePrices []VolumePrice    `json:"volume_prices,omitempty"`
}

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

// EarlyAccessView is a card's early-access window as its owner and
// followers see it.
type EarlyAccessView struct {
	Level    string    `json:"level"`
	Hours    int       `json:"hours"`
	Until    time.Time `json:"until"`
	Released bool      `json:"released"`
}

// VariantView is a variant as the API shows it; Stock is absent for
// viewers who may not see prices (and for unlimited stock).
type VariantView struct {
	Spec  string `json:"spec"`
	Stock *int64 `json:"stock,omitempty"`
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
