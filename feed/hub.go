package feed

import (
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/weigong/weigong/catalog"
)

// Close codes the hub uses on sinks (websocket close codes, API.md).
const (
	// CloseSlow closes a connection that cannot keep up with its events.
	CloseSlow = 4008
	// CloseGoingAway closes connections when the server shuts down.
	CloseGoingAway = 1001
)

// Sink is where the hub writes a connection's frames. The hub knows nothing
// about sockets; package feed/stream implements Sink for websockets.
type Sink interface {
	// Send enqueues a frame without blocking. It returns false when the
	// connection's bounded queue is full. The frame is shared with other
	// connections and must not be modified.
	Send(frame []byte) bool
	// Close closes the connection with a close code and a short reason. It
	// must not block, and it may be called more than once.
	Close(code int, reason string)
}

// Hub fans committed changes out to open connections. Each change is
// encoded once per price level and the same bytes go to every connection
// on that level; a connection that cannot take a frame at once is closed
// (CloseSlow) rather than allowed to delay anyone else.
type Hub struct {
	logID        string
	follows      catalog.FollowStore
	log          *slog.Logger
	suppliers    supplierIndex
	distributors distributorIndex
	unsubscribe  func()

	// last is the Seq of the last change routed; changes is where missing
	// ones are re-read (RepairGapsFrom); scratch is fanOutCard's working
	// memory. They belong to the goroutine that delivers changes, which
	// the Bus runs one at a time.
	last    uint64
	changes ChangeLog
	scratch fanOutScratch

	routed atomic.Pointer[func()] // see OnRouted
}

// OnRouted registers fn to run after each change has been routed to every
// connection, in the goroutine that delivers changes, so that sinks which
// hold frames back to write several at once (package feed/stream) know
// when a change's frames are all queued. fn must be quick and must not
// block on sockets. A later call replaces fn.
func (h *Hub) OnRouted(fn func()) { h.routed.Store(&fn) }

// RepairGapsFrom makes the hub re-read from the log any change that the
// bus skipped, instead of routing past it. Call it before changes flow.
func (h *Hub) RepairGapsFrom(log ChangeLog) { h.changes = log }

// NewHub returns a hub that receives changes from bus. logID is the change
// log's ID (LogInfo.ID), which goes into the cursors of live events.
func NewHub(logID string, bus Bus, follows catalog.FollowStore, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.Default()
	}
	h := &Hub{logID: logID, follows: follows, log: log}
	h.unsubscribe = bus.Subscribe(h.onChange)
	return h
}

// Stop stops receiving changes. It does not close connections; see CloseAll.
func (h *Hub) Stop() { h.unsubscribe() }

// Attach registers a connection of the distributor. The subscription starts
// buffering; the caller replays from the store and then calls Start.
//
// The subscription is registered for the distributor's follow changes
// before its follows are loaded, so that a follow change racing with the
// load is applied rather than lost.
func (h *Hub) Attach(ctx context.Context, distributor catalog.Account, sink Sink) (*Subscription, error) {
	sub := &Subscription{hub: h, distributorID: distributor.ID, sink: sink,
		follows: map[string]catalog.Follow{}, touched: map[string]bool{}}
	h.distributors.add(sub)
	follows, err := h.follows.Following(ctx, distributor.ID)
	if err != nil {
		sub.Close()
		return nil, err
	}
	sub.install(follows)
	return sub, nil
}

// CloseAll closes every connection with the given code and reason, for
// instance CloseGoingAway on shutdown.
func (h *Hub) CloseAll(code int, reason string) {
	for _, sub := range h.distributors.all() {
		sub.sink.Close(code, reason)
		sub.Close()
	}
}

// dropSlow closes a connection that could not take a frame.
func (h *Hub) dropSlow(sub *Subscription) {
	sub.sink.Close(CloseSlow, "too slow: reconnect with your last cursor")
	sub.Close()
}

// onChange is the bus subscriber. It runs in the publisher's goroutine, one
// change at a time and in Seq order, so a follow change is applied before
// the next card change is routed. A change it has already routed (a bus
// delivers at least once) is dropped; a jump in Seq is filled from the log
// first, so no connection misses a change live. It never blocks on a
// socket: Sink.Send only queues.
func (h *Hub) onChange(c catalog.Change) {
	if h.last != 0 && c.Seq <= h.last {
		return
	}
	if h.last != 0 && c.Seq > h.last+1 && h.changes != nil {
		h.fillGap(c.Seq)
	}
	h.route(c)
	h.last = c.Seq
	if fn := h.routed.Load(); fn != nil {
		(*fn)()
	}
}

// fillGap routes the changes between the last routed one and next, read
// from the log. Pruned ones are gone; a connection that needed them gets
// them by replay or a resync.
func (h *Hub) fillGap(next uint64) {
	for h.last+1 < next {
		missed, err := h.changes.LogChanges(context.Background(), h.last, int(min(next-h.last-1, tailBatch)))
		if err != nil {
			h.log.Error("feed: re-reading a gap in the change log", "from", h.last+1, "to", next-1, "err", err)
			return
		}
		progressed := false
		for _, m := range missed {
			if m.Seq >= next {
				break
			}
			h.route(m)
			h.last, progressed = m.Seq, true
		}
		if !progressed {
			return
		}
	}
}

// route sends one change where it goes.
func (h *Hub) route(c catalog.Change) {
	switch c.Kind {
	case catalog.CardPublished, catalog.CardUpdated, catalog.CardWithdrawn, catalog.CardReleased:
		h.fanOutCard(c)
	case catalog.FollowChanged:
		h.applyFollow(c)
	default:
		if c.Kind.AddressedToAccounts() {
			h.sendToAccounts(c)
		}
	}
}

// applyFollow updates every subscription of the follow's distributor and
// sends them the follow.changed frame, encoded once.
func (h *Hub) applyFollow(c catalog.Change) {
	if c.Follow == nil {
		return
	}
	subs := h.distributors.get(c.Follow.DistributorID)
	if len(subs) == 0 {
		return
	}
	frame, err := encodeFollow(h.logID, c)
	if err != nil {
		h.log.Error("feed: encoding follow change", "seq", c.Seq, "err", err)
		return
	}
	for _, sub := range subs {
		sub.applyFollow(*c.Follow)
	}
	h.send(subs, c.Seq, frame)
}

// sendToAccounts sends a change addressed to accounts (an order's or an
// after-sale's two parties, a supplier asked to approve a follow) to their
// connections, encoded once.
func (h *Hub) sendToAccounts(c catalog.Change) {
	subs := h.distributors.get(c.SupplierID)
	if c.DistributorID != "" && c.DistributorID != c.SupplierID {
		subs = append(subs, h.distributors.get(c.DistributorID)...)
	}
	if len(subs) == 0 {
		return
	}
	frame, err := encodeAccountEvent(h.logID, c)
	if err != nil {
		h.log.Error("feed: encoding an account event", "seq", c.Seq, "kind", c.Kind, "err", err)
		return
	}
	h.send(subs, c.Seq, frame)
}

// send delivers one frame to each subscription, then closes those that
// could not take it. No hub lock is held here.
func (h *Hub) send(subs []*Subscription, seq uint64, frame []byte) {
	for _, sub := range subs {
		if !sub.deliver(seq, frame) {
			h.dropSlow(sub)
		}
	}
}
