package feed

import (
	"context"

	"github.com/weigong/weigong/catalog"
)

// Store is what the feed reads, implemented by package storage. Feeds are
// merged on read from per-supplier indexes rather than copied into
// per-distributor inboxes on write (see docs/FEED.md for why).
type Store interface {
	// FeedPage reads what one page of a distributor's feed needs, in one
	// read transaction (one snapshot): up to limit live cards of the
	// suppliers the distributor actively follows, newest first by card ID,
	// strictly older than the card ID before ("" = newest), and for each
	// supplier of those cards the distributor's follow and what its cards
	// show of it. A distributor with no active follow (or an ID no
	// account can have) gets an empty page whatever before is; otherwise a
	// before that is not a card ID is Invalid.
	FeedPage(ctx context.Context, distributorID, before string, limit int) (Page, error)
	// Changes returns, oldest first, up to limit changes with Seq > after
	// that concern the distributor: card changes of the given suppliers and
	// follow changes of the distributor itself. Card changes carry the card
	// and its supplier as they are now.
	Changes(ctx context.Context, distributorID string, supplierIDs []string, after uint64, limit int) ([]catalog.Change, error)
	// Log describes the change log: the newest Seq, the Seq at or below
	// which changes have been pruned, and the random ID of this log (so a
	// cursor from another database is recognised as unknown).
	Log(ctx context.Context) (LogInfo, error)
}

// Page is one feed page as read by Store.FeedPage.
type Page struct {
	// Cards are newest first.
	Cards []catalog.Card
	// Follows and Suppliers hold, by supplier ID, for every supplier of
	// Cards, the distributor's active follow of it and what its cards show
	// of it (Publisher.Levels choose the follower's price).
	Follows   map[string]catalog.Follow
	Suppliers map[string]*catalog.Publisher
}

// LogInfo describes the change log; see Store.Log.
type LogInfo struct {
	Last    uint64
	Horizon uint64
	ID      string
}

// Bus carries committed changes to every hub. Publish must be called in
// Seq order and only after the change's transaction has committed.
type Bus interface {
	Publish(c catalog.Change)
	Subscribe(fn func(catalog.Change)) (unsubscribe func())
}
