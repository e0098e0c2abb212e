package feed

import (
	"sync"

	"github.com/weigong/weigong/catalog"
)

// maxPending bounds the live frames a subscription holds while its
// connection replays. A replay that falls this far behind is treated like a
// slow consumer: closed with CloseSlow, so the client resumes by cursor.
const maxPending = 1024

// Subscription is one connection's registration with the hub: the
// distributor, the follows the hub routes by, and where frames go.
//
// A new subscription buffers: live frames are held, not sent, until Start.
// That lets a connection replay from the store while live events keep
// arriving, and then hand over without losing or repeating an event.
type Subscription struct {
	hub           *Hub
	distributorID string
	sink          Sink

	mu      sync.Mutex
	follows map[string]catalog.Follow // by supplier ID, any state
	// touched records suppliers whose follow the hub changed while Attach
	// was still loading follows; those beat the (possibly older) load.
	touched map[string]bool
	pending []pendingFrame
	after   uint64 // the replay covered every Seq up to here
	live    bool
	closed  bool
}

type pendingFrame struct {
	seq   uint64
	frame []byte
}

// Start ends buffering: it sends the buffered frames with a Seq above after
// (the replay delivered the rest) and from then on sends frames as they
// come, still skipping any with a Seq up to after: a change is visible to
// the replay's read as soon as it commits, but may reach the hub only
// after Start. Calling it again does nothing.
func (s *Subscription) Start(after uint64) {
	s.mu.Lock()
	if s.closed || s.live {
		s.mu.Unlock()
		return
	}
	ok := true
	for _, p := range s.pending {
		if p.seq > after && ok {
			ok = s.sink.Send(p.frame)
		}
	}
	s.pending, s.live, s.after = nil, true, after
	s.mu.Unlock()
	if !ok {
		s.hub.dropSlow(s)
	}
}

// Close removes the subscription from the hub. It does not close the sink:
// the owner of the connection does that. It is safe to call more than once.
func (s *Subscription) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed, s.pending = true, nil
	for supplierID := range s.follows {
		s.hub.suppliers.remove(supplierID, s)
	}
	s.mu.Unlock()
	s.hub.distributors.remove(s)
}

// deliver sends or buffers one frame. It reports false when the frame could
// not be taken because the sink's queue or the buffer is full.
func (s *Subscription) deliver(seq uint64, frame []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed || (s.live && seq <= s.after):
		return true
	case s.live:
		return s.sink.Send(frame)
	case len(s.pending) >= maxPending:
		return false
	}
	s.pending = append(s.pending, pendingFrame{seq: seq, frame: frame})
	return true
}

// applyFollow records a follow change of this distributor and re-indexes
// the subscription at once, so the next card change is routed by it.
func (s *Subscription) applyFollow(f catalog.Follow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.touched != nil {
		s.touched[f.SupplierID] = true
	}
	s.setFollow(f)
}

// install adds the follows loaded by Attach, except for suppliers whose
// follow changed while they were loading.
func (s *Subscription) install(follows []catalog.Follow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	for _, f := range follows {
		if !s.touched[f.SupplierID] {
			s.setFollow(f)
		}
	}
	s.touched = nil
}

// setFollow updates the follow set and the supplier index; s.mu is held.
func (s *Subscription) setFollow(f catalog.Follow) {
	if f.State == catalog.StateNone {
		delete(s.follows, f.SupplierID)
	} else {
		s.follows[f.SupplierID] = f
	}
	if f.Active() {
		s.hub.suppliers.set(f.SupplierID, s, f.Level)
	} else {
		s.hub.suppliers.remove(f.SupplierID, s)
	}
}
