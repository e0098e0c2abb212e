package feed

import (
	"context"

	"github.com/weigong/weigong/catalog"
)

// scan walks the change log forward for one distributor. It decides which
// log entries become events and renders them for that distributor, using
// the follows the distributor has now: only suppliers it actively follows
// now contribute card events, at its level now.
type scan struct {
	store         Store
	distributorID string
	follows       map[string]catalog.Follow
	ids           []string
	log           LogInfo // the most recent Log read
	after         uint64  // everything up to here has been looked at
}

func (s *Service) startScan(ctx context.Context, distributor catalog.Account, cursor string) (*scan, error) {
	info, err := s.Store.Log(ctx)
	if err != nil {
		return nil, err
	}
	after, err := ParseCursor(cursor, info)
	if err != nil {
		return nil, err
	}
	follows, ids, err := activeFollows(ctx, s.Follows, distributor.ID)
	if err != nil {
		return nil, err
	}
	return &scan{store: s.Store, distributorID: distributor.ID, follows: follows, ids: ids, log: info, after: after}, nil
}

// page reads up to limit log entries after sc.after and returns the frames
// among them that are for this distributor. done reports that the read
// reached the end of the log.
//
// The log is read again after the changes so that pruning that raced with
// the read is noticed (a Conflict) rather than silently skipping entries.
// At the end of the log the position moves on to the Last read before the
// changes: everything committed up to it was visible to the read.
func (sc *scan) page(ctx context.Context, limit int) (frames [][]byte, done bool, err error) {
	before := sc.log
	changes, err := sc.store.Changes(ctx, sc.distributorID, sc.ids, sc.after, limit)
	if err != nil {
		return nil, false, err
	}
	if sc.log, err = sc.store.Log(ctx); err != nil {
		return nil, false, err
	}
	if sc.log.Horizon > sc.after {
		return nil, false, errExpiredCursor
	}
	for _, c := range changes {
		frame, err := sc.encode(c)
		if err != nil {
			return nil, false, err
		}
		if frame != nil {
			frames = append(frames, frame)
		}
		sc.after = c.Seq
	}
	done = len(changes) < limit
	if done && before.Last > sc.after {
		sc.after = before.Last
	}
	return frames, done, nil
}

// encode renders one change for the distributor, or returns nil when the
// distributor should not see it.
func (sc *scan) encode(c catalog.Change) ([]byte, error) {
	return EncodeFor(sc.log.ID, sc.distributorID, c, func(supplierID string) (catalog.Follow, bool) {
		f, ok := sc.follows[supplierID]
		return f, ok
	})
}

// EncodeFor renders change c as the stream of account accountID carries
// it, or returns nil when that account's stream does not carry it. It is
// the one rule for what an account is sent, used by replays and by the
// webhook sender, so that a webhook sees exactly what the stream shows:
// changes addressed to the account (orders, after-sales, follow requests),
// its own follow changes, and card changes of the suppliers it actively
// follows, priced at its own level. activeFollow returns the account's
// active follow of a supplier. A card that is withdrawn now is not
// rendered as published or updated: its card.withdrawn follows in the log.
func EncodeFor(logID, accountID string, c catalog.Change, activeFollow func(supplierID string) (catalog.Follow, bool)) ([]byte, error) {
	if c.Kind.AddressedToAccounts() {
		if c.SupplierID != accountID && c.DistributorID != accountID {
			return nil, nil
		}
		return encodeAccountEvent(logID, c)
	}
	if c.Kind == catalog.FollowChanged {
		if !c.ForDistributor(accountID) {
			return nil, nil
		}
		return encodeFollow(logID, c)
	}
	if c.Card == nil {
		return nil, nil
	}
	f, ok := activeFollow(c.SupplierID)
	if !ok {
		return nil, nil
	}
	if c.Supplier != nil && !c.Supplier.Delivers(c, c.Supplier.EffectiveLevel(f.Level)) {
		return nil, nil // early access: not yet, or already had
	}
	switch c.Kind {
	case catalog.CardWithdrawn:
		return encodeWithdrawn(logID, c)
	case catalog.CardPublished, catalog.CardUpdated, catalog.CardReleased:
		if c.Card.Withdrawn {
			return nil, nil
		}
		return encodeCard(logID, c, followerViewer(accountID, f, c.Supplier))
	}
	return nil, nil
}

func (sc *scan) resume() Resume {
	return Resume{Seq: sc.after, Cursor: FormatCursor(sc.log.ID, sc.after)}
}

// EventType is the type an event of change kind k carries on the wire:
// the end of an early-access window reaches the others as card.published.
func EventType(k catalog.ChangeKind) string {
	if k == catalog.CardReleased {
		return string(catalog.CardPublished)
	}
	return string(k)
}
