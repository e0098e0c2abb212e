package storage

import (
	"bytes"
	"container/heap"
	"context"

	"github.com/weigong/weigong/catalog"
)

var _ catalog.SearchStore = (*DB)(nil)

// SearchCards walks, newest first and strictly below q.Before, the live
// cards of q's suppliers that carry every token of q.Tokens (every live
// card of theirs when there are none), loads each candidate and keeps it
// when q.Keep says so, until it has q.Limit cards. next is the before of
// the following page: "" when nothing is left, and also set when the walk
// stopped after q.Budget candidates with fewer cards than asked for.
//
// Each supplier's candidates come from intersecting its token lists
// (searchindex.go), largest ID first: every list jumps to the greatest ID
// at or below the others' current one, so the walk moves through the
// rarest list's IDs rather than the commonest's. The suppliers are then
// merged like a feed, with a heap. Everything happens in one read
// transaction.
func (db *DB) SearchCards(ctx context.Context, q catalog.CardSearch) ([]catalog.FoundCard, string, error) {
	bound, err := cardBound(q.Before)
	if err != nil || q.Limit <= 0 {
		return nil, "", err
	}
	var found []catalog.FoundCard
	next := ""
	err = db.view(ctx, func(tx kvTx) error {
		h := searchHeads(tx, newSupplierSet(q.SupplierIDs), q.Tokens, bound)
		suppliers := map[string]*catalog.Publisher{}
		var last []byte
		for examined := 0; h.Len() > 0; examined++ {
			if examined == q.Budget && q.Budget > 0 {
				next = formatID(last)
				break
			}
			top := h[0]
			last = top.head
			c, supplier, err := loadCandidate(tx, suppliers, top.head)
			if err != nil {
				return err
			}
			if supplier != nil && q.Keep(c, supplier) {
				if len(found) == q.Limit {
					next = found[len(found)-1].Card.ID
					break
				}
				found = append(found, catalog.FoundCard{Card: c, Supplier: supplier})
			}
			if top.head = top.atMost(predecessor(top.head)); top.head == nil {
				heap.Pop(&h)
			} else {
				heap.Fix(&h, 0)
			}
		}
		return nil
	})
	return found, next, err
}

// loadCandidate loads a candidate card and its supplier (once per search).
// The supplier is nil when the card is gone or withdrawn: not a match.
func loadCandidate(tx kvTx, suppliers map[string]*catalog.Publisher, id []byte) (catalog.Card, *catalog.Publisher, error) {
	c, err := getCard(tx, id)
	if catalog.ErrorCode(err) == catalog.NotFound || (err == nil && c.Withdrawn) {
		return c, nil, nil
	}
	if err != nil {
		return c, nil, err
	}
	p, ok := suppliers[c.SupplierID]
	if !ok {
		sup, _ := parseID(c.SupplierID)
		a, err := getAccount(tx, sup[:])
		if err != nil {
			return c, nil, err
		}
		p = a.Publisher()
		suppliers[c.SupplierID] = p
	}
	return c, p, nil
}

// searchHeads positions one matcher per supplier on its newest candidate
// strictly below bound and returns those that have one, as a heap.
func searchHeads(tx kvTx, suppliers *supplierSet, tokens []string, bound []byte) matchHeap {
	start := predecessor(bound)
	h := make(matchHeap, 0, suppliers.len())
	if start == nil {
		return h
	}
	for _, sup := range suppliers.sortedKeys() {
		m := newMatcher(tx, sup[:], tokens)
		if m == nil {
			continue
		}
		if m.head = m.atMost(start); m.head != nil {
			h = append(h, m)
		}
	}
	heap.Init(&h)
	return h
}

// predecessor returns the 16-byte ID just below id, or nil below zero.
func predecessor(id []byte) []byte {
	p := clone(id)
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] > 0 {
			p[i]--
			return p
		}
		p[i] = 0xff
	}
	return nil
}

// An idList is a descending walk over a set of card IDs.
type idList interface {
	// atMost positions the list on its greatest ID at or below target and
	// returns it, or nil when there is none.
	atMost(target []byte) []byte
}

// matcher intersects one supplier's lists: the cards carrying every token,
// or its live cards when there are no tokens.
type matcher struct {
	lists []idList
	head  []byte // the current candidate; nil when exhausted
}

// newMatcher builds the matcher of one supplier, or returns nil when one
// of its token lists is empty (nothing can match).
func newMatcher(tx kvTx, supplier []byte, tokens []string) *matcher {
	if len(tokens) == 0 {
		return &matcher{lists: []idList{&keyList{c: tx.Bucket(bSupplierCards).Cursor(), prefix: supplier}}}
	}
	index := tx.Bucket(bSearch)
	if index == nil {
		return nil
	}
	m := &matcher{lists: make([]idList, len(tokens))}
	for i, tok := range tokens {
		m.lists[i] = &blockList{c: index.Cursor(), prefix: postingPrefix(supplier, tok)}
	}
	return m
}

// atMost returns the greatest ID at or below target that every list holds
// (leapfrog intersection): each list in turn jumps to the greatest ID at
// or below the current target; a lower answer becomes the new target,
// until all lists agree.
func (m *matcher) atMost(target []byte) []byte {
	if target == nil {
		return nil
	}
	for i, agreed := 0, 0; agreed < len(m.lists); i = (i + 1) % len(m.lists) {
		x := m.lists[i].atMost(target)
		if x == nil {
			return nil
		}
		if bytes.Equal(x, target) {
			agreed++
		} else {
			target, agreed = x, 1
		}
	}
	return target
}

// blockList walks one posting list of the search index downwards, a block
// at a time, in a read-only transaction (where stepping back is safe; see
// bSearch). Its slices point into the transaction's memory map.
type blockList struct {
	c      kvCursor
	prefix []byte
	block  []byte // the IDs of the block the cursor is on; nil before the first seek
	i      int    // the current position in block, in IDs
}

func (l *blockList) atMost(target []byte) []byte {
	if l.block != nil && bytes.Compare(l.id(0), target) <= 0 && bytes.Compare(target, l.id(l.len()-1)) <= 0 {
		return l.settle(target)
	}
	if l.block != nil && bytes.Compare(target, l.id(0)) < 0 {
		// Walking down: the block before is usually the one, and a step
		// back is cheaper than a seek from the root.
		if !l.load(l.c.Prev()) {
			return nil
		}
		if bytes.Compare(l.id(0), target) <= 0 {
			return l.settle(target)
		}
	}
	// The first block whose key (its last ID) is at or after target holds
	// the answer if it starts at or below target; otherwise the block
	// before it ends below target, and its last ID is the answer.
	k, v := l.c.Seek(join(l.prefix, target))
	if l.load(k, v) && bytes.Compare(l.id(0), target) <= 0 {
		return l.settle(target)
	}
	if !l.load(stepBack(l.c, k)) {
		return nil
	}
	return l.settle(target)
}

// load makes the block at k the current one, if k is one of the list's.
func (l *blockList) load(k, v []byte) bool {
	if !isBlockKey(k, l.prefix) {
		l.block = nil
		return false
	}
	l.block = v
	return true
}

// settle moves to the greatest ID of the current block at or below target,
// which the caller knows is at least the block's first.
func (l *blockList) settle(target []byte) []byte {
	at, found := searchIDs(l.block, target)
	if !found {
		at--
	}
	l.i = at
	return l.id(at)
}

func (l *blockList) len() int        { return len(l.block) / idLen }
func (l *blockList) id(i int) []byte { return l.block[i*idLen : (i+1)*idLen] }

// keyList walks the keys under one supplier of bSupplierCards downwards:
// the supplier's live cards, for a search with no tokens.
type keyList struct {
	c      kvCursor
	prefix []byte
	cur    []byte // the current card ID; nil before the first seek
}

func (l *keyList) atMost(target []byte) []byte {
	if l.cur != nil && bytes.Compare(target, l.cur) < 0 {
		// Walking down one card at a time: the previous key is the answer
		// unless target skips past it.
		k, _ := l.c.Prev()
		if !bytes.HasPrefix(k, l.prefix) {
			return nil
		}
		if l.cur = k[len(l.prefix):]; bytes.Compare(l.cur, target) <= 0 {
			return l.cur
		}
	}
	k, _ := l.c.Seek(join(l.prefix, target))
	if !bytes.Equal(k, join(l.prefix, target)) {
		k, _ = stepBack(l.c, k)
	}
	if !bytes.HasPrefix(k, l.prefix) {
		return nil
	}
	l.cur = k[len(l.prefix):]
	return l.cur
}

// stepBack moves c to the key before the one Seek returned (the last key
// when Seek ran off the end of the bucket).
func stepBack(c kvCursor, sought []byte) ([]byte, []byte) {
	if sought == nil {
		return c.Last()
	}
	return c.Prev()
}

// matchHeap orders the suppliers' matchers by their current candidate,
// newest (greatest ID) first.
type matchHeap []*matcher

func (h matchHeap) Len() int           { return len(h) }
func (h matchHeap) Less(i, j int) bool { return bytes.Compare(h[i].head, h[j].head) > 0 }
func (h matchHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *matchHeap) Push(x any)        { *h = append(*h, x.(*matcher)) }
func (h *matchHeap) Pop() any {
	old := *h
	m := old[len(old)-1]
	*h = old[:len(old)-1]
	return m
}
