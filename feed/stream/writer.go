package stream

import (
	"io"
	"time"

	"github.com/gorilla/websocket"
)

// writerLinger is how long a writer goroutine waits for more frames before
// it exits. Under a stream of events one goroutine writes batch after
// batch (starting a goroutine per batch, and growing its stack each time,
// was 14 % of the server's CPU per delivery); an idle connection has none.
const writerLinger = time.Second

// writeLoop drains the queue: each round takes every queued frame and
// writes them as one batch (see wire.writeFrames). With the queue empty
// it parks until Send wakes it or writerLinger passes, then exits. When
// the connection is closing it writes the close frame and exits.
func (c *conn) writeLoop() {
	idle := time.NewTimer(writerLinger)
	defer idle.Stop()
	var spare [][]byte
	for {
		c.mu.Lock()
		if c.closing {
			c.mu.Unlock()
			c.writeClose()
			return
		}
		batch := c.queue
		if len(batch) == 0 {
			c.parked = true
			c.mu.Unlock()
			if !c.park(idle) {
				return
			}
			continue
		}
		c.queue = spare
		c.mu.Unlock()
		c.write(batch)
		clear(batch) // the frames are shared; let them go
		spare = batch[:0]
	}
}

// park waits for Send or Close to wake the writer. It reports false when
// the writer has instead been idle for writerLinger and has retired.
func (c *conn) park(idle *time.Timer) bool {
	idle.Reset(writerLinger)
	select {
	case <-c.wake:
		return true
	case <-idle.C:
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) > 0 || c.closing {
		c.parked = false
		return true
	}
	c.writing, c.parked = false, false
	select { // a token sent just before the lock was taken
	case <-c.wake:
	default:
	}
	return false
}

// write writes frames as one batch. A failed write leaves the websocket
// unusable, so the connection is aborted.
func (c *conn) write(frames [][]byte) error {
	err := c.raw.writeFrames(frames, time.Now().Add(c.h.WriteWait))
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
