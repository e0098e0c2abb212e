package storetest

import (
	"strings"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// hostileIDs are IDs a client can put in a URL (%00 included). Looked
// up, each is NotFound, never an internal error (a backend with a typed
// UUID column, or text that cannot hold NUL, must check the shape before
// it asks) and never a match. Token hashes are not among them: the
// server computes those.
var hostileIDs = []string{"", "../x", strings.Repeat("\x00", 200), "not-a-uuid", "' OR 1=1 --",
	"0190a0b0-0000-7000-8000-00000000000", "{0190a0b0-0000-7000-8000-000000000000}",
	"0190a0b000007000800000000000000000", strings.Repeat("a", 5000)}

func testHostileIDs(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("LookupsAreNotFound", func(t *testing.T) {
		f := open(t)
		sup, dist := f.supplier(), f.distributor()
		hook := f.newWebhook(dist.ID)
		noErr(t, "CreateWebhook", f.s.Webhooks.CreateWebhook(f.ctx, hook))
		for _, id := range hostileIDs {
			lookups := map[string]func() error{
				"Account":     func() error { _, err := f.s.Accounts.Account(f.ctx, id); return err },
				"Image":       func() error { _, err := f.s.Images.Image(f.ctx, id); return err },
				"Card":        func() error { _, err := f.s.Cards.Card(f.ctx, id); return err },
				"Follow(sup)": func() error { _, err := f.s.Follows.Follow(f.ctx, id, dist.ID); return err },
				"Follow(dist)": func() error {
					_, err := f.s.Follows.Follow(f.ctx, sup.ID, id)
					return err
				},
				"Share":         func() error { _, err := f.s.Shares.Share(f.ctx, id); return err },
				"DeleteShare":   func() error { return f.s.Shares.DeleteShare(f.ctx, id) },
				"Webhook":       func() error { _, err := f.s.Webhooks.Webhook(f.ctx, id); return err },
				"Delivery":      func() error { _, err := f.s.Webhooks.Delivery(f.ctx, hook.ID, id); return err },
				"DeleteWebhook": func() error { return f.s.Webhooks.DeleteWebhook(f.ctx, id) },
				"DeleteAppKey":  func() error { return f.s.Keys.DeleteAppKey(f.ctx, dist.ID, id) },
			}
			for what, lookup := range lookups {
				if err := lookup(); catalog.ErrorCode(err) != catalog.NotFound {
					t.Errorf("%s(%.40q) = %v, want NotFound", what, id, err)
				}
			}
			f.view(func(tx catalog.Tx) error {
				for what, err := range map[string]error{
					"tx.Account":   second(tx.Account(id)),
					"tx.Card":      second(tx.Card(id)),
					"tx.Image":     second(tx.Image(id)),
					"tx.Order":     second(tx.Order(id)),
					"tx.AfterSale": second(tx.AfterSale(id)),
					"tx.Follow":    second(tx.Follow(sup.ID, id)),
					"tx.ShareRef":  second(tx.ShareRef(id)),
				} {
					if catalog.ErrorCode(err) != catalog.NotFound {
						t.Errorf("%s(%.40q) = %v, want NotFound", what, id, err)
					}
				}
				return nil
			})
		}
	})
}

// second returns the error of a two-valued lookup.
func second[T any](_ T, err error) error { return err }
