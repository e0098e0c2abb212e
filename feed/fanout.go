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

// fanOutScratch is the hub's working memory for one card change, kept
// from change to change: the hub handles one change at a time (onChange),
// and a change to 5,000 followers would otherwise allocate two slices of
// 5,000 entries.
type fanOutScratch struct {
	followers []follower
	groups    []levelGroup
	subs      []*Subscription
}

// reset empties the scratch and drops its pointers, so that closed
// subscriptions are not kept alive between changes.
func (s *fanOutScratch) reset() {
	clear(s.followers)
	s.followers = s.followers[:0]
	for i := range s.groups {
		clear(s.groups[i].subs)
		s.groups[i].subs = s.groups[i].subs[:0]
	}
	s.groups = s.groups[:0]
	clear(s.subs)
	s.subs = s.subs[:0]
}

// fanOutCard sends a card change to the connections of the supplier's
// active followers. The frame is encoded once per effective level (once in
// all for a withdrawal, which carries no price) and the same bytes go to
// every connection on that level.
func (h *Hub) fanOutCard(c catalog.Change) {
	sc := &h.scratch
	defer sc.reset()
	sc.followers = h.suppliers.appendFollowers(sc.followers, c.SupplierID)
	followers := sc.followers
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
	sc.groups = groupByLevel(sc.groups, followers, c.Supplier)
	for _, g := range sc.groups {
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
	subs := h.scratch.subs
	for _, f := range followers {
		subs = append(subs, f.sub)
	}
	h.scratch.subs = subs
	h.send(subs, c.Seq, frame)
}

// groupByLevel groups followers by the level the supplier (as of the
// change) puts them on, into groups (empty, its capacity reused); a
// follower whose level was removed lands on the lowest level. Suppliers
// have at most catalog.MaxLevels levels, so a linear search beats a map.
func groupByLevel(groups []levelGroup, followers []follower, supplier *catalog.Publisher) []levelGroup {
	for _, f := range followers {
		level := supplier.EffectiveLevel(f.level)
		i := 0
		for i < len(groups) && groups[i].level != level {
			i++
		}
		if i == len(groups) {
			if i < cap(groups) {
				groups = groups[:i+1]
				groups[i].level = level
			} else {
				groups = append(groups, levelGroup{level: level})
			}
		}
		groups[i].subs = append(groups[i].subs, f.sub)
	}
	return groups
}
