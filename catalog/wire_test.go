package catalog

import (
	"strings"
	"testing"

	"github.com/weigong/weigong/catalog/wire"
)

// TestWire_SameShapes ensures the views the catalog keeps for their typed
// states encode exactly like their shapes in package wire, which the Go
// client decodes with: a field added, renamed or made optional on one side
// only fails here.
func TestWire_SameShapes(t *testing.T) {
	pairs := []struct {
		name         string
		domain, wire any
		// input: a request body, which the client may send with fields
		// left out, so omitempty does not count.
		input bool
	}{
		{"Order", OrderView{}, wire.Order{}, false},
		{"AfterSale", AfterSaleView{}, wire.AfterSale{}, false},
		{"Account", AccountView{}, wire.Account{}, false},
		{"Following", FollowingItem{}, wire.Following{}, false},
		{"Follower", FollowerItem{}, wire.Follower{}, false},
		{"Consignee", Consignee{}, wire.Consignee{}, false},
		{"OrderInput", OrderInput{}, wire.OrderInput{}, true},
		{"AfterSaleInput", AfterSaleInput{}, wire.AfterSaleInput{}, true},
		{"ShipmentInput", ShipmentInput{}, wire.ShipmentInput{}, true},
		{"ParcelInput", ParcelInput{}, wire.ParcelInput{}, true},
		{"AppKeyInput", AppKeyInput{}, wire.AppKeyInput{}, true},
		{"SignUp", SignUpInput{}, wire.SignUp{}, true},
	}
	for _, p := range pairs {
		a, b := wire.Shape(p.domain), wire.Shape(p.wire)
		if p.input {
			a, b = strings.ReplaceAll(a, "?", ""), strings.ReplaceAll(b, "?", "")
		}
		if a != b {
			t.Errorf("%s: the catalog's shape\n  %s\ndiffers from wire's\n  %s", p.name, a, b)
		}
	}
}
