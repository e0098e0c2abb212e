package stream

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/weigong/weigong/feed"
)

// conn is one websocket connection. It is the hub's feed.Sink: Send queues
// a frame without blocking and Close starts closing without blocking. The
// socket is written by one owner at a time (busy): a worker of the
// handler's writerPool, a goroutine of its own while its peer is slow
// (writeSlow), or the goroutine that writes the close frame; it is read
// by the reader goroutine, which also tears the connection down.
type conn struct {
	h         *Handler
	ws        *websocket.Conn
	raw       *wire
	tokenHash string
	lastSeen  atomic.Int64 // unix nanoseconds of the last frame from the peer

	mu    sync.Mutex
	queue [][]byte
	spare [][]byte // the last batch's slice, for the next queue
	busy  bool     // an owner writes the socket (see conn)
	// scheduled: the connection waits in the flusher to be handed to the
	// writer pool.
	scheduled bool
	// slowUntil: the peer recently failed to take a batch within
	// fastWriteWait; until then its batches skip the pool (see handOff).
	slowUntil time.Time
	closing   bool
	code      int // close code to send; 0 sends none
	reason    string
	closeBy   time.Time // when the reader stops waiting for the peer's close
	timer     *time.Timer
	sub       *feed.Subscription

	closeSent chan struct{} // closed once the close frame is written (or abandoned)
	finished  chan struct{} // closed once the connection is torn down
}

func newConn(h *Handler, ws *websocket.Conn, raw *wire, tokenHash string) *conn {
	c := &conn{h: h, ws: ws, raw: raw, tokenHash: tokenHash,
		closeSent: make(chan struct{}), finished: make(chan struct{})}
	c.lastSeen.Store(time.Now().UnixNano())
	ws.SetReadLimit(maxMessage)
	ws.SetPongHandler(func(string) error { c.seen(); return nil })
	ws.SetPingHandler(c.onPing)
	return c
}

func (c *conn) setSubscription(sub *feed.Subscription) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sub = sub
}

// Send implements feed.Sink. Frames sent to a closing connection are
// dropped: the client resumes from its cursor anyway.
func (c *conn) Send(frame []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return true
	}
	if len(c.queue) >= c.h.QueueLen {
		return false
	}
	c.queue = append(c.queue, frame)
	switch {
	case c.busy || c.scheduled:
		// The owner, or the flush, will take the frame.
	case c.h.flush == nil:
		c.busy = true
		if c.handOff() {
			c.h.writers.push(c)
		}
	default:
		c.scheduled = true
		c.h.flush.schedule(c)
	}
	return true
}

// Close implements feed.Sink: it drops queued frames and has the writer
// send a close frame. The reader then finishes the connection when the
// peer answers or LingerTime has passed.
func (c *conn) Close(code int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.startClosing(code, reason)
}

// handOff decides who writes a connection that has just become busy with
// frames queued: it reports true for the pool, or starts a writer
// goroutine of its own for a peer that was slow within slowMemory, so that
// a peer on a bad network does not cost a pool worker fastWriteWait again
// at every batch. c.mu is held.
func (c *conn) handOff() bool {
	if time.Now().Before(c.slowUntil) {
		go c.writeSlow(nil)
		return false
	}
	return true
}

// abort closes without a close frame a connection whose write failed, and
// wakes the reader. A write that failed because the connection was already
// closing changes nothing: that close is under way.
func (c *conn) abort() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.startClosing(0, "") {
		c.raw.SetReadDeadline(time.Now())
	}
}

// startClosing marks the connection closing and reports whether this call
// did; c.mu is held.
func (c *conn) startClosing(code int, reason string) bool {
	if c.closing {
		return false
	}
	c.closing, c.code, c.reason, c.queue = true, code, reason, nil
	if !c.busy {
		c.busy = true
		go c.writeClose()
	}
	return true
}

// broken reports whether the connection is already closing, so that a
// failed write during the handshake is not mistaken for a server error.
func (c *conn) broken() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

// finish tears the connection down; it runs exactly once, at the end of
// readLoop. linger says whether to drain the peer's input first.
func (c *conn) finish(linger bool) {
	c.mu.Lock()
	c.startClosing(0, "")
	sendsClose := c.code != 0
	if c.timer != nil {
		c.timer.Stop()
	}
	sub := c.sub
	c.mu.Unlock()
	if sub != nil {
		sub.Close()
	}
	if sendsClose {
		select {
		case <-c.closeSent:
		case <-time.After(c.h.WriteWait):
		}
	}
	if linger {
		c.linger()
	}
	c.raw.Close()
	c.h.conns.remove(c)
	close(c.finished)
}
