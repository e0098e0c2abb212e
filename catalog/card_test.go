package catalog

import (
	"strings"
	"testing"
)

// TestValidateCard_Rejects ensures every price and field rule gives an
// Invalid error, and that the message never quotes a price.
func TestValidateCard_Rejects(t *testing.T) {
	supplier := Account{Levels: []string{"standard", "gold"}}
	tests := map[string]func(*Card){
		"no title":              func(c *Card) { c.Title = "" },
		"title too long":        func(c *Card) { c.Title = string(make([]rune, MaxTitleLen+1)) },
		"no images":             func(c *Card) { c.Images = nil },
		"ten images":            func(c *Card) { c.Images = make([]Image, 10) },
		"zero cost":             func(c *Card) { c.CostPrice = 0 },
		"negative retail":       func(c *Card) { c.RetailPrice = -5 },
		"huge retail":           func(c *Card) { c.RetailPrice = MaxPrice + 1 },
		"floor above retail":    func(c *Card) { c.FloorPrice = priceOf(c.RetailPrice + 1) },
		"unknown level price":   func(c *Card) { c.LevelPrices = map[string]int64{"platinum": 5} },
		"zero level price":      func(c *Card) { c.LevelPrices = map[string]int64{"gold": 0} },
		"volume qty not rising": func(c *Card) { c.VolumePrices = []VolumePrice{{MinQty: 10, Price: 500}, {MinQty: 10, Price: 400}} },
		"volume price rising":   func(c *Card) { c.VolumePrices = []VolumePrice{{MinQty: 10, Price: 500}, {MinQty: 20, Price: 600}} },
		"volume qty one":        func(c *Card) { c.VolumePrices = []VolumePrice{{MinQty: 1, Price: 500}} },
		"too many tags":         func(c *Card) { c.Tags = make([]string, MaxTags+1) },
		"empty tag":             func(c *Card) { c.Tags = []string{""} },
		"invalid utf8 in desc":  func(c *Card) { c.Description = "\xff" },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			c := Card{Title: "t", Images: []Image{{ID: "i"}}, CostPrice: 4321, RetailPrice: 8765}
			mutate(&c)
			err := validateCard(c, supplier)
			if ErrorCode(err) != Invalid {
				t.Fatalf("validateCard = %v, want Invalid", err)
			}
			if msg := ErrorMessage(err); strings.Contains(msg, "4321") || strings.Contains(msg, "8765") || strings.Contains(msg, "8766") {
				t.Fatalf("message quotes a price: %q", msg)
			}
		})
	}
	ok := Card{Title: "t", Images: []Image{{ID: "i"}}, CostPrice: 1000, RetailPrice: 2000,
		FloorPrice: priceOf(1500), LevelPrices: map[string]int64{"gold": 900},
		VolumePrices: []VolumePrice{{MinQty: 10, Price: 950}, {MinQty: 100, Price: 950}}}
	if err := validateCard(ok, supplier); err != nil {
		t.Fatalf("valid card rejected: %v", err)
	}
}
