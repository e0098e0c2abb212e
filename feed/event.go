package feed

import (
	"encoding/json"
	"errors"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// The frame types that are not changes of the log.
const (
	// TypeReady ends a replay: everything after it is live.
	TypeReady = wire.TypeReady
	// TypeResync tells a client that its cursor cannot be resumed from.
	TypeResync = wire.TypeResync
)

// The shapes of API.md "Feed" live in package wire, and are produced only
// by the encoders below, which take the card view from catalog.ViewCard
// and nowhere else; TestEncodeFor_DecodesAsWireEvent keeps every one
// decodable as wire.Event, the type the client reads.

var errIncompleteChange = errors.New("feed: change without the card, supplier or follow it needs")

// encodeCard renders a card.published or card.updated event as v sees it.
func encodeCard(logID string, c catalog.Change, v catalog.Viewer) ([]byte, error) {
	if c.Card == nil || c.Supplier == nil {
		return nil, errIncompleteChange
	}
	view := catalog.ViewCard(*c.Card, c.Supplier.Ref, v)
	kind := c.Kind
	if kind == catalog.CardReleased {
		kind = catalog.CardPublished // the end of an early-access window
	}
	return json.Marshal(wire.CardEvent{Type: string(kind), Cursor: FormatCursor(logID, c.Seq), Card: view})
}

// encodeWithdrawn renders a card.withdrawn event; it is the same for every
// viewer because it carries nothing but the card's ID.
func encodeWithdrawn(logID string, c catalog.Change) ([]byte, error) {
	if c.Card == nil {
		return nil, errIncompleteChange
	}
	return json.Marshal(wire.WithdrawnEvent{Type: string(c.Kind), Cursor: FormatCursor(logID, c.Seq), CardID: c.Card.ID})
}

// encodeFollow renders a follow.changed event. An ended follow has no level,
// which the API shows as null.
func encodeFollow(logID string, c catalog.Change) ([]byte, error) {
	f := c.Follow
	if f == nil {
		return nil, errIncompleteChange
	}
	ev := wire.FollowEvent{Type: string(c.Kind), Cursor: FormatCursor(logID, c.Seq), SupplierID: f.SupplierID, State: string(f.State)}
	if f.State != catalog.StateNone {
		level := f.Level
		ev.Level = &level
	}
	return json.Marshal(ev)
}

// encodeAccountEvent renders a change addressed to accounts: order.*
// (consignee masked: the store resolves orders without the key),
// aftersale.updated and follow.requested. It is the same for both parties.
func encodeAccountEvent(logID string, c catalog.Change) ([]byte, error) {
	cursor := FormatCursor(logID, c.Seq)
	switch {
	case c.Order != nil:
		return json.Marshal(wire.OrderEvent{Type: string(c.Kind), Cursor: cursor, Order: c.Order})
	case c.AfterSale != nil:
		return json.Marshal(wire.AfterSaleEvent{Type: string(c.Kind), Cursor: cursor, AfterSale: c.AfterSale})
	case c.Requester != nil && c.Follow != nil:
		return json.Marshal(wire.FollowRequestedEvent{Type: string(c.Kind), Cursor: cursor, Distributor: c.Requester,
			State: string(c.Follow.State)})
	}
	return nil, errIncompleteChange
}

// followerViewer is the viewer of a supplier's cards for a distributor with
// an active follow, on the level the supplier still has (see
// catalog.Account.EffectiveLevel): the same rule as catalog.ViewerFor.
func followerViewer(distributorID string, f catalog.Follow, supplier *catalog.Publisher) catalog.Viewer {
	if supplier != nil {
		f.Level = supplier.EffectiveLevel(f.Level)
	}
	return catalog.Viewer{AccountID: distributorID, Follow: &f}
}

// ReadyFrame is the frame that ends a replay on the websocket.
func ReadyFrame(cursor string) []byte {
	b, _ := json.Marshal(wire.Marker{Type: TypeReady, Cursor: cursor})
	return b
}

// ResyncFrame is the frame sent before closing a websocket whose cursor
// cannot be resumed from.
func ResyncFrame() []byte {
	b, _ := json.Marshal(wire.Marker{Type: TypeResync})
	return b
}
