package stream

import (
	"runtime"
	"sync"
)

// writerPool writes the connections that have frames queued, with a few
// goroutines for the whole handler instead of one per connection.
//
// With a writer goroutine per connection, a change to 5,000 followers made
// 5,000 goroutines runnable at once on both sides of the socket: the
// request that publishes the next change waited behind all of them, so
// changes reached the connections one at a time and every write carried a
// single frame. With a few writers the publishing request is scheduled
// promptly, the next changes queue up while the writers go round, and
// each write carries every frame a connection has queued by then: fewer
// system calls per delivery on the server and on the client.
//
// A writer never blocks for long on one socket: wire.writeFrames is given
// fastWriteWait, and a connection whose peer does not take its bytes that
// fast is handed to a goroutine of its own (conn.writeSlow), which has the
// full WriteWait. Workers exist only while there is work: an idle handler
// has none.
type writerPool struct {
	max int

	mu      sync.Mutex
	ready   []*conn // FIFO from head; each connection at most once
	head    int
	running int
}

func newWriterPool() *writerPool {
	return &writerPool{max: 2 * runtime.GOMAXPROCS(0)}
}

// push queues connections whose frames are to be written; their busy flag
// is set, so no one else writes them meanwhile.
func (p *writerPool) push(cs ...*conn) {
	p.mu.Lock()
	p.ready = append(p.ready, cs...)
	start := min(p.max-p.running, len(p.ready)-p.head)
	p.running += start
	p.mu.Unlock()
	for range start {
		go p.work()
	}
}

func (p *writerPool) work() {
	for c := p.next(); c != nil; c = p.next() {
		c.writeQueued()
	}
}

// next takes the oldest queued connection, or retires the calling worker
// and returns nil when there is none.
func (p *writerPool) next() *conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.head == len(p.ready) {
		p.ready, p.head = p.ready[:0], 0
		p.running--
		return nil
	}
	c := p.ready[p.head]
	p.ready[p.head] = nil
	p.head++
	if p.head >= 1024 && 2*p.head >= len(p.ready) {
		// Under a load that never lets the queue empty, reuse its front.
		n := copy(p.ready, p.ready[p.head:])
		clear(p.ready[n:])
		p.ready, p.head = p.ready[:n], 0
	}
	return c
}
