package catalog

import (
	"context"
	"time"
)

// The stores below are implemented by package storage (bbolt today; a
// PostgreSQL implementation can satisfy the same interfaces later). Every
// method returns *Error values with code NotFound or Conflict where the
// caller can act on them; anything else is an internal failure.
//
// They are read outside a unit of work, one call each, where
// no snapshot across calls is needed (authentication, lists, pages). Every
// write goes through a UnitOfWork's Tx instead, so that it commits with
// the rest of its use case.

// AccountStore reads accounts. Handles are unique.
type AccountStore interface {
	Account(ctx context.Context, id string) (Account, error)
	AccountByHandle(ctx context.Context, handle string) (Account, error)
}

// SessionStore keeps bearer-token sessions by the hash of the token.
type SessionStore interface {
	CreateSession(ctx context.Context, s Session) error
	Session(ctx context.Context, tokenHash string) (Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// TakeSession returns and deletes a session in one step, so that a
	// single-use ticket can be redeemed only once.
	TakeSession(ctx context.Context, tokenHash string) (Session, error)
}

// ImageStore reads the metadata of uploaded photos (never the pixels).
type ImageStore interface {
	Image(ctx context.Context, id string) (Image, error)
}

// CardStore reads cards.
type CardStore interface {
	// Card returns a card, withdrawn or not.
	Card(ctx context.Context, id string) (Card, error)
	// SupplierCards lists a supplier's cards that are not withdrawn, newest
	// first, strictly older than the card ID before ("" = from the newest).
	SupplierCards(ctx context.Context, supplierID, before string, limit int) ([]Card, error)
}

// FollowStore reads follows, indexed both by supplier and by distributor.
type FollowStore interface {
	// Follow returns the follow of distributorID to supplierID, or NotFound.
	Follow(ctx context.Context, supplierID, distributorID string) (Follow, error)
	// Following lists every follow of a distributor, in any state.
	Following(ctx context.Context, distributorID string) ([]Follow, error)
	// Followers lists a supplier's followers in one state, newest first,
	// after the opaque cursor before ("" = from the newest). It returns the
	// cursor of the next page, or "" on the last page.
	Followers(ctx context.Context, supplierID string, state FollowState, before string, limit int) ([]Follow, string, error)
}

// OrderStore reads orders and after-sales outside a unit of work: lists
// and the sweep's due lists.
type OrderStore interface {
	// AccountOrders lists the orders an account placed or received,
	// newest first, in one state ("" for all), after the opaque cursor
	// before; it returns the next page's cursor, "" on the last.
	AccountOrders(ctx context.Context, accountID string, state OrderState, before string, limit int) ([]Order, string, error)
	// AccountAfterSales lists an account's after-sale cases likewise.
	AccountAfterSales(ctx context.Context, accountID string, state AfterSaleState, before string, limit int) ([]AfterSale, string, error)
	// DueOrders returns up to limit IDs of orders whose Due time is at
	// or before now, soonest first.
	DueOrders(ctx context.Context, now time.Time, limit int) ([]string, error)
	// DueAfterSales returns up to limit IDs of due after-sale cases.
	DueAfterSales(ctx context.Context, now time.Time, limit int) ([]string, error)
}

// Stores bundles the stores the Service needs.
type Stores struct {
	Units    UnitOfWork
	Accounts AccountStore
	Sessions SessionStore
	Images   ImageStore
	Cards    CardStore
	Follows  FollowStore
	Orders   OrderStore
	// Keys keeps app keys; nil means keys are not offered.
	Keys KeyStore
	// SearchIndex finds cards by their text (search.go).
	SearchIndex SearchStore
}
