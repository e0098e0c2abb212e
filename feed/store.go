package feed

import (
	"context"

	"github.com/weigong/weigong/catalog"
)

// Store is what the feed reads, implemented by package storage. Feeds are
// merged on read from per-supplier indexes rather than copied into
// per-distributor inboxes on write (see docs/FEED.md for why).
type Store interface {
	// FeedCards returns the live cards of the given suppliers, newest first
	// by card ID, strictly older than the card ID before ("" = newest).
	FeedCards(ctx context.Context, supplierIDs []string, before string, limit int) ([]catalog.Card, error)
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
