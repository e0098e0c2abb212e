package stream

import (
	"errors"
	"io"
	"net"
	"time"

	"github.com/gorilla/websocket"
)

// fastWriteWait bounds a pool worker's write: a peer that takes less than
// a batch in this time gets a writer goroutine of its own (writeSlow), so
// that no worker waits on it.
const fastWriteWait = 50 * time.Millisecond

// slowMemory is how long a peer that once needed more than fastWriteWait
// keeps a writer goroutine of its own for each batch instead of the pool.
const slowMemory = 10 * time.Second

// writeQueued is a pool worker's turn on the connection, which is busy
// (owned by the worker): it writes every queued frame as one batch, then
// hands the connection back to the pool if more frames came meanwhile
// (behind every other connection waiting, so that they come out batched
// too), releases it, or passes it on to the goroutine that writes the
// close frame.
func (c *conn) writeQueued() {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		go c.writeClose()
		return
	}
	batch := c.queue
	c.queue, c.spare = c.spare, nil
	c.mu.Unlock()
	rest, err := c.raw.writeFrames(batch, time.Now().Add(fastWriteWait))
	clear(batch) // the frames are shared; let them go
	if isTimeout(err) {
		c.mu.Lock()
		c.slowUntil = time.Now().Add(slowMemory)
		c.mu.Unlock()
		go c.writeSlow(rest)
		return
	}
	if err != nil {
		c.abort()
	}
	c.mu.Lock()
	c.spare = batch[:0]
	switch {
	case c.closing:
		c.mu.Unlock()
		go c.writeClose()
	case len(c.queue) > 0:
		c.mu.Unlock()
		c.h.writers.push(c)
	default:
		c.busy = false
		c.mu.Unlock()
	}
}

// writeSlow owns a connection whose peer did not take a batch within
// fastWriteWait (or did so less than slowMemory ago, see handOff): it
// writes the rest of that batch, if any, then everything queued,
// each write under the full WriteWait, until the queue is empty (and the
// connection is released) or the connection closes. Meanwhile the hub
// keeps queueing, and closes the connection with 4008 when the queue is
// full.
func (c *conn) writeSlow(rest []byte) {
	if len(rest) > 0 {
		if err := c.raw.writeBytes(rest, time.Now().Add(c.h.WriteWait)); err != nil {
			c.abort()
		}
	}
	for {
		c.mu.Lock()
		if c.closing {
			c.mu.Unlock()
			c.writeClose()
			return
		}
		batch := c.queue
		c.queue = nil
		if len(batch) == 0 {
			c.busy = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		c.write(batch)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// write writes frames as one batch under the full WriteWait. A failed
// write leaves the websocket unusable, so the connection is aborted.
func (c *conn) write(frames [][]byte) error {
	_, err := c.raw.writeFrames(frames, time.Now().Add(c.h.WriteWait))
	if err != nil {
		c.abort()
	}
	return err
}

// writeClose sends the close frame, if any, and bounds how long the reader
// waits for the peer's answer: LingerTime after a close frame went out, not
// at all otherwise.
func (c *conn) writeClose() {
	defer close(c.closeSent)
	c.mu.Lock()
	code, reason := c.code, c.reason
	c.mu.Unlock()
	closeBy := time.Now()
	if code != 0 {
		msg := websocket.FormatCloseMessage(code, reason)
		if err := c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.h.WriteWait)); err == nil {
			closeBy = closeBy.Add(c.h.LingerTime)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeBy = closeBy
	c.raw.SetReadDeadline(closeBy)
}

// linger reads and discards what the peer still sends, until it closes or
// LingerTime passes, before the socket is closed. Closing a TCP socket with
// unread input makes the kernel send a reset, which can destroy the close
// frame the peer has not read yet (the 1009 after an oversize frame, say).
func (c *conn) linger() {
	c.raw.SetReadDeadline(time.Now().Add(c.h.LingerTime))
	io.Copy(io.Discard, c.raw)
}
