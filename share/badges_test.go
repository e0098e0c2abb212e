package share

import (
	"bytes"
	"strings"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// Ensure that the share page and the channel page show a supplier's
// badges and, for earned ones, how many orders they were measured from.
func TestRender_BadgesMeasuredFrom(t *testing.T) {
	ref := catalog.SupplierRef{Handle: "factory", Badges: []string{"verified", "on_time"}, MeasuredOrders: 42}
	p := Page{Price: 100, Card: catalog.CardView{Title: "t", Supplier: ref,
		Images: []catalog.ImageView{{URLs: map[string]string{"grid": "/g", "display": "/d"}}}}}
	var buf bytes.Buffer
	if err := RenderShare(&buf, p); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">on_time<", ">verified<", "measured from 42 orders in 90 days"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("share page lacks %q", want)
		}
	}
	supplier := catalog.Account{Role: catalog.RoleSupplier, Handle: "factory", Name: "F", Badges: []string{"verified"},
		EarnedBadges: []string{"as_described"}, BadgeOrders: 31}
	buf.Reset()
	if err := RenderChannel(&buf, ChannelData{Supplier: supplier.PublicView(false)}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">as_described<", ">verified<", "measured from 31 orders in 90 days"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("channel page lacks %q", want)
		}
	}
}
