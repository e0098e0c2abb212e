package feed

import (
	"github.com/weigong/weigong/catalog"
)

// levelGroup is the subscriptions that see a card change at one price
// level, and the frame they all receive.
type levelGroup struct {
	level string
	subs  []*Subscription
}

// fanOutCard sends a card change to the connections of the supplier's
// active followers. The frame is encoded once per effective level (once in
// all for a withdrawal, which carries no price) and the same bytes go to
// every connection on that level.
func (h *Hub) fanOutCard(c catalog.Change) {
	followers := h.suppliers.get(c.SupplierID)
	if len(followers) == 0 {
		return
	}
	early := c.Card != nil && c.Card.EarlyAccess != nil
	if c.Kind == catalog.CardWithdrawn && !early {
		h.sendWithdrawn(c, followers)
		return
	}
	if c.Supplier == nil || c.Card == nil {
		// The replay still has the change; only its live delivery is lost.
		h.log.Error("feed: card change without card or supplier", "seq", c.Seq)
		return
	}
	for _, g := range groupByLevel(followers, c.Supplier) {
		if !c.Supplier.Delivers(c, g.level) {
			continue // early access: not yet for this level, or already had
		}
		rep := g.subs[0]
		f := catalog.Follow{SupplierID: c.SupplierID, DistributorID: rep.distributorID,
			State: catalog.StateActive, Level: g.level}
		var frame []byte
		var err error
		if c.Kind == catalog.CardWithdrawn {
			// An early card's withdrawal goes only where the card went.
			frame, err = encodeWithdrawn(h.logID, c)
		} else {
			frame, err = encodeCard(h.logID, c, followerViewer(rep.distributorID, f, c.Supplier))
		}
		if err != nil {
			h.log.Error("feed: encoding card change", "seq", c.Seq, "err", err)
			continue
		}
		h.send(g.subs, c.Seq, frame)
	}
}

func (h *Hub) sendWithdrawn(c catalog.Change, followers []follower) {
	frame, err := encodeWithdrawn(h.logID, c)
	if err != nil {
		h.log.Error("feed: encoding withdrawal", "seq", c.Seq, "err", err)
		return
	}
	subs := make([]*Subscription, len(followers))
	for i, f := range followers {
		subs[i] = f.sub
	}
	h.send(subs, c.Seq, frame)
}

// groupByLevel groups followers by the level the supplier (as of the
// change) puts them on; a follower whose level was removed lands on the
// lowest level. Suppliers have at most catalog.MaxLevels levels, so a
// linear search beats a map.
func groupByLevel(followers []follower, supplier *catalog.Publisher) []levelGroup {
	var groups []levelGroup
	for _, f := range followers {
		level := supplier.EffectiveLevel(f.level)
		i := 0
		for i < len(groups) && groups[i].level != level {
			i++
		}
		if i == len(groups) {
			groups = append(groups, levelGroup{level: level})
		}
		groups[i].subs = append(groups[i].subs, f.sub)
	}
	return groups
}
