package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

func TestDifference(t *testing.T) {
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	stock := int64(3)
	card := catalog.Card{ID: "c", CreatedAt: at, Tags: []string{}, LevelPrices: map[string]int64{"gold": 1},
		Variants: []catalog.Variant{{Spec: "M", Stock: &stock}}}
	same := card
	same.CreatedAt = at.In(time.FixedZone("CST", 8*3600))
	same.Tags = nil
	if d := difference(same, card); d != "" {
		t.Errorf("the same instant elsewhere, or nil for empty: %s", d)
	}
	other := int64(4)
	for _, c := range []struct {
		change func(c *catalog.Card)
		want   string
	}{
		{func(c *catalog.Card) { c.CreatedAt = at.Add(time.Microsecond) }, ".CreatedAt"},
		{func(c *catalog.Card) { c.Variants = []catalog.Variant{{Spec: "M", Stock: &other}} }, ".Variants[0].Stock"},
		{func(c *catalog.Card) { c.Variants = []catalog.Variant{{Spec: "M"}} }, ".Variants[0].Stock"},
		{func(c *catalog.Card) { c.LevelPrices = map[string]int64{"vip": 1} }, ".LevelPrices lacks key gold"},
		{func(c *catalog.Card) { c.Tags = []string{"x"} }, ".Tags has 1 elements"},
		{func(c *catalog.Card) { c.EarlyAccess = &catalog.EarlyAccess{} }, ".EarlyAccess"},
	} {
		got := card
		c.change(&got)
		if d := difference(got, card); !strings.HasPrefix(d, c.want) {
			t.Errorf("difference = %q, want it to start with %q", d, c.want)
		}
	}
	if d := difference(catalog.IdempotencyRecord{Result: []byte(`{"a": 1}`)}, catalog.IdempotencyRecord{Result: []byte(`{"a":1}`)}); d == "" {
		t.Error("bytes that differ compared equal")
	}
}
