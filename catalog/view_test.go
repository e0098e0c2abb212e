package catalog

import (
	"encoding/json"
	"strings"
	"testing"
)

func priceOf(p int64) *int64 { return &p }

// sampleCard has sentinel prices that appear nowhere else, so a leak shows
// up as a substring of the JSON.
func sampleCard() Card {
	return Card{
		ID: "card1", SupplierID: "sup", Title: "Silk scarf",
		Images:       []Image{{ID: "img1", Width: 1080, Height: 810}},
		CostPrice:    987654,
		RetailPrice:  1999999,
		FloorPrice:   priceOf(1500001),
		LevelPrices:  map[string]int64{"gold": 876543},
		VolumePrices: []VolumePrice{{MinQty: 10, Price: 765432}},
	}
}

// TestViewCard_PricesByViewer ensures that every kind of viewer sees
// exactly the prices the closed-channel table of API.md allows.
func TestViewCard_PricesByViewer(t *testing.T) {
	active := func(level string) *Follow {
		return &Follow{SupplierID: "sup", DistributorID: "dist", State: StateActive, Level: level}
	}
	tests := []struct {
		name       string
		viewer     Viewer
		wantPrices bool
		wantCost   int64
		wantOwner  bool
		mustNotSee []string
	}{
		{"owner", Viewer{AccountID: "sup"}, true, 987654, true, nil},
		{"active standard follower", Viewer{AccountID: "dist", Follow: active("standard")}, true, 987654, false, []string{"876543"}},
		{"active gold follower", Viewer{AccountID: "dist", Follow: active("gold")}, true, 876543, false, []string{"987654"}},
		{"pending follower", Viewer{AccountID: "dist", Follow: &Follow{SupplierID: "sup", DistributorID: "dist", State: StatePending, Level: "gold"}}, false, 0, false, nil},
		{"blocked follower", Viewer{AccountID: "dist", Follow: &Follow{SupplierID: "sup", DistributorID: "dist", State: StateBlocked, Level: "gold"}}, false, 0, false, nil},
		{"other distributor", Viewer{AccountID: "other"}, false, 0, false, nil},
		{"follow of another distributor", Viewer{AccountID: "other", Follow: active("gold")}, false, 0, false, nil},
		{"follow of another supplier", Viewer{AccountID: "dist", Follow: &Follow{SupplierID: "x", DistributorID: "dist", State: StateActive}}, false, 0, false, nil},
		{"other supplier", Viewer{AccountID: "sup2"}, false, 0, false, nil},
		{"anonymous", Anonymous, false, 0, false, nil},
		{"anonymous with a follow", Viewer{Follow: active("gold")}, false, 0, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := ViewCard(sampleCard(), SupplierRef{ID: "sup"}, tt.viewer)
			body, err := json.Marshal(view)
			if err != nil {
				t.Fatal(err)
			}
			js := string(body)
			if !tt.wantPrices {
				for _, secret := range []string{"987654", "876543", "765432", "1999999", "1500001", `"prices"`, "cost"} {
					if strings.Contains(js, secret) {
						t.Fatalf("viewer without prices sees %q in %s", secret, js)
					}
				}
				return
			}
			if view.Prices == nil || view.Prices.Cost != tt.wantCost || view.Prices.Retail != 1999999 {
				t.Fatalf("prices = %+v, want cost %d", view.Prices, tt.wantCost)
			}
			if (view.CostPrice != nil) != tt.wantOwner || strings.Contains(js, "level_prices") != tt.wantOwner {
				t.Fatalf("owner-only fields present = %v, want %v: %s", view.CostPrice != nil, tt.wantOwner, js)
			}
			for _, secret := range tt.mustNotSee {
				if strings.Contains(js, secret) {
					t.Fatalf("viewer sees another level's price %q in %s", secret, js)
				}
			}
		})
	}
}

// TestCard_CostFor_UnknownLevel ensures a level without a price of its own
// pays the base cost.
func TestCard_CostFor_UnknownLevel(t *testing.T) {
	if got := sampleCard().CostFor("silver"); got != 987654 {
		t.Fatalf("CostFor(silver) = %d", got)
	}
}

// TestAccount_EffectiveLevel ensures that a follower on a removed level is
// treated as being on the lowest level.
func TestAccount_EffectiveLevel(t *testing.T) {
	a := Account{Levels: []string{"standard", "gold"}}
	if a.EffectiveLevel("gold") != "gold" || a.EffectiveLevel("platinum") != "standard" {
		t.Fatal("EffectiveLevel does not fall back to the lowest level")
	}
}
