package webhook

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
	"github.com/weigong/weigong/feed"
)

// TailerName is the durable cursor under which Fanout tails the change
// log (storage relay_cursors).
const TailerName = "webhooks"

// Fanout is the Handle of the durable tailer that turns changes into
// deliveries: for each enabled webhook that wants the change's type, it
// renders the change as the webhook owner's stream carries it
// (feed.EncodeFor: the same rule, the same level's price) and stores one
// delivery, whose ID is fixed by the change so that handing a change on
// again after a crash stores nothing new.
type Fanout struct {
	Store   Store
	Follows catalog.FollowStore
	LogID   string
	// Kick wakes the sender; may be nil.
	Kick func()
	Now  func() time.Time
}

// Handle stores the deliveries of one change.
func (f *Fanout) Handle(ctx context.Context, c catalog.Change) error {
	hooks, err := f.Store.EnabledWebhooks(ctx)
	if err != nil || len(hooks) == 0 {
		return err
	}
	var ds []Delivery
	kind := feed.EventType(c.Kind)
	for _, w := range hooks {
		if !w.Wants(kind) {
			continue
		}
		var lookupErr error
		frame, err := feed.EncodeFor(f.LogID, w.AccountID, c, f.activeFollow(ctx, w.AccountID, &lookupErr))
		if err == nil {
			err = lookupErr
		}
		if err != nil {
			return err
		}
		if frame == nil {
			continue
		}
		d, err := newDelivery(w, c.Seq, 0, kind, c.At, frame)
		if err != nil {
			return err
		}
		d.NextAt, d.CreatedAt = f.Now(), f.Now()
		ds = append(ds, d)
	}
	if len(ds) == 0 {
		return nil
	}
	if err := f.Store.AddDeliveries(ctx, ds); err != nil {
		return err
	}
	if f.Kick != nil {
		f.Kick()
	}
	return nil
}

// activeFollow looks up the account's follow of a supplier now; a failed
// read is reported through errp, so that the change is handed on again.
func (f *Fanout) activeFollow(ctx context.Context, accountID string, errp *error) func(string) (catalog.Follow, bool) {
	return func(supplierID string) (catalog.Follow, bool) {
		fl, err := f.Follows.Follow(ctx, supplierID, accountID)
		if err != nil {
			if catalog.ErrorCode(err) != catalog.NotFound {
				*errp = err
			}
			return catalog.Follow{}, false
		}
		return fl, fl.Active()
	}
}

// newDelivery builds the delivery of one event to w. Its ID is the log
// position (16 hex digits) and n (8 hex digits: 0 for a change, random
// for a ping), so deliveries sort by when their event happened.
func newDelivery(w Webhook, seq uint64, n uint32, kind string, at time.Time, data []byte) (Delivery, error) {
	body, err := json.Marshal(wire.WebhookMessage{Type: kind, Timestamp: at.UTC(), Data: data})
	if err != nil {
		return Delivery{}, err
	}
	return Delivery{ID: fmt.Sprintf("%016x%08x", seq, n), WebhookID: w.ID, AccountID: w.AccountID, Seq: seq,
		Type: kind, Payload: body, State: Pending, NextAt: at, CreatedAt: at}, nil
}

// pingNumber returns a random non-zero n for a ping's delivery ID.
func pingNumber() uint32 {
	var b [4]byte
	for {
		_, _ = rand.Read(b[:])
		if n := binary.BigEndian.Uint32(b[:]); n != 0 {
			return n
		}
	}
}
