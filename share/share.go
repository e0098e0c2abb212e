package share

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// MaxTextLen bounds a distributor's own words on a share.
const MaxTextLen = 1000

// Share is a distributor's link to one card, with its own text and price.
type Share struct {
	ID            string
	DistributorID string
	CardID        string
	SupplierID    string
	Text          string
	Price         int64
	CreatedAt     time.Time
	Views         int64
	// Orders and Sales count the orders that name this share and their
	// value at the share's price (fen).
	Orders int64
	Sales  int64
	// Watermark puts the distributor's handle on the share's photos and
	// collage (watermark.go).
	Watermark bool
}

// Store keeps shares; package storage implements it.
type Store interface {
	// UpdateShares runs fn as one unit of work over catalog's stores and
	// the shares (see catalog.UnitOfWork).
	UpdateShares(ctx context.Context, fn func(tx Tx) error) error
	// ViewShares runs fn in a read-only transaction.
	ViewShares(ctx context.Context, fn func(tx Tx) error) error
	// Share returns a share, or NotFound (also once deleted).
	Share(ctx context.Context, id string) (Share, error)
	// DistributorShares lists a distributor's shares newest first, after
	// the opaque cursor before, and returns the next page's cursor.
	DistributorShares(ctx context.Context, distributorID, before string, limit int) ([]Share, string, error)
	DeleteShare(ctx context.Context, id string) error
	// AddViews adds counted views to shares in one transaction.
	AddViews(ctx context.Context, views map[string]int64) error
}

// Tx is one unit of work over catalog's stores and the shares, so that a
// share, the checks it rests on (the card is live, the distributor
// follows its supplier) and its idempotency record share one snapshot and
// one commit.
type Tx interface {
	catalog.Tx
	// CreateShare stores a new share; an existing ID is a Conflict.
	CreateShare(s Share) error
}

// newShareID returns 128 random bits, URL-safe: share links must not be
// guessable, since a share page is public to whoever has the link.
func newShareID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random share ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ValidShareID reports whether id has the shape of a share ID, so hostile
// path segments are refused before any lookup.
func ValidShareID(id string) bool {
	if len(id) != 22 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil
}

// Input is the body of POST /v1/shares (wire.ShareInput): nil Text and
// Price take the card's description and suggested retail price.
type Input = wire.ShareInput

// checkInput validates the distributor's text and price against the card:
// the price defaults to the suggested retail price and may not go below the
// supplier's floor; the text defaults to the card's description and follows
// the catalog's rule for free text (no controls, no bidi overrides).
func checkInput(in Input, card catalog.Card) (text string, price int64, err error) {
	text, price = card.Description, card.RetailPrice
	if in.Text != nil {
		text = *in.Text
	}
	if err := catalog.ValidateText("text", text, MaxTextLen); err != nil {
		return "", 0, err
	}
	if in.Price != nil {
		price = *in.Price
	}
	if price <= 0 || price > catalog.MaxPrice {
		return "", 0, catalog.Errorf(catalog.Invalid, "price must be a positive number of fen")
	}
	if card.FloorPrice != nil && price < *card.FloorPrice {
		return "", 0, catalog.Errorf(catalog.Invalid, "price must be at least %s, the supplier's floor price", Yuan(*card.FloorPrice))
	}
	return text, price, nil
}

// PublicPrice is the price a share page shows: the distributor's price,
// but never below the card's current floor, whatever was stored when the
// share was made.
func PublicPrice(s Share, card catalog.Card) int64 {
	if card.FloorPrice != nil && s.Price < *card.FloorPrice {
		return *card.FloorPrice
	}
	return s.Price
}

// CopyText is what a distributor pastes into a social app: its words, its
// price in yuan and the link.
func CopyText(text string, price int64, url string) string {
	if text == "" {
		return Yuan(price) + "\n" + url
	}
	return text + "\n" + Yuan(price) + "\n" + url
}
