package stream

import (
	"io"
	"time"

	"github.com/gorilla/websocket"
)

// writeLoop drains the queue: each round takes every queued frame and
// writes them with one deadline and, through batchConn, one system call.
// It exits when the queue is empty, so an idle connection has no writer
// goroutine; when the connection is closing it writes the close frame.
func (c *conn) writeLoop() {
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
			c.writing = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		c.write(batch)
	}
}

// write writes frames as one batch. A failed write leaves the websocket
// unusable, so the connection is aborted.
func (c *conn) write(frames [][]byte) error {
	c.ws.SetWriteDeadline(time.Now().Add(c.h.WriteWait))
	c.raw.begin()
	var err error
	for _, f := range frames {
		if err = c.ws.WriteMessage(websocket.TextMessage, f); err != nil {
			break
		}
	}
	if flushErr := c.raw.flush(); err == nil {
		err = flushErr
	}
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
