package server

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// feedPageViews is a typical feed page as a distributor sees it: 20 cards
// of 20 suppliers, three photos each, a short text, two price levels.
func feedPageViews() []catalog.CardView {
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	views := make([]catalog.CardView, 20)
	for i := range views {
		sup := catalog.Account{ID: fmt.Sprintf("0190a0b0-0000-7000-8000-%012d", i), Handle: fmt.Sprintf("s%05d", i),
			Name: "Supplier", Levels: []string{"standard", "gold"}}
		c := catalog.Card{ID: fmt.Sprintf("0190a0b1-0000-7000-8000-%012d", i), SupplierID: sup.ID,
			Title: "春夏新款 纯棉连衣裙", Description: "春夏新款 纯棉 宽松 显瘦 多色可选 支持一件代发 48小时发货",
			Tags: []string{"女装"}, CostPrice: 1200, RetailPrice: 2900, LevelPrices: map[string]int64{"gold": 1100},
			CreatedAt: at, UpdatedAt: at, Version: 1}
		for j := range 3 {
			c.Images = append(c.Images, catalog.Image{ID: fmt.Sprintf("0190a0b2-0000-7000-8000-%010d%02d", i, j),
				Width: 1080, Height: 1440})
		}
		f := catalog.Follow{SupplierID: sup.ID, DistributorID: "0190a0b3-0000-7000-8000-000000000000",
			State: catalog.StateActive, Level: "gold"}
		views[i] = catalog.ViewCard(c, sup.Ref(), catalog.Viewer{AccountID: f.DistributorID, Follow: &f})
	}
	return views
}

// TestFeedPageJSON_SameAsEncodingJSON ensures the feed handler's encoder
// writes a page of views made by catalog.ViewCard exactly as c.JSON did.
func TestFeedPageJSON_SameAsEncodingJSON(t *testing.T) {
	views := feedPageViews()
	for _, next := range []string{views[19].ID, ""} {
		want, err := json.Marshal(list(views, next))
		if err != nil {
			t.Fatal(err)
		}
		got, err := wire.AppendCardList(nil, list(views, next))
		if err != nil || string(got) != string(want) {
			t.Fatalf("AppendCardList = %s, %v\nencoding/json  %s", got, err, want)
		}
	}
}

// BenchmarkFeedPageJSON encodes one feed page as GET /v1/feed answers it
// (wire.AppendCardList) and as it did before, through encoding/json.
func BenchmarkFeedPageJSON(b *testing.B) {
	views := feedPageViews()
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(list(views, views[19].ID)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := wire.AppendCardList(make([]byte, 0, 2048*len(views)+64), list(views, views[19].ID)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
