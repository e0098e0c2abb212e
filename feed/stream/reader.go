package stream

import (
	"context"
	"errors"
	"io"
	"net"
	"time"

	"github.com/gorilla/websocket"
)

// goLive starts the ping timer and the reader goroutine.
func (c *conn) goLive() {
	c.mu.Lock()
	if !c.closing {
		c.timer = time.AfterFunc(c.h.PingInterval, c.tick)
	}
	c.mu.Unlock()
	c.armRead()
	go c.readLoop()
}

// readLoop reads until the peer goes away, closes, sends an oversize frame
// (gorilla answers 1009 itself) or stays silent past PongWait, then tears
// the connection down. Data frames within the limit are ignored. After the
// server has sent a close frame it is also what waits for the peer's reply.
func (c *conn) readLoop() {
	for {
		_, r, err := c.ws.NextReader()
		if err == nil {
			c.seen()
			_, err = io.Copy(io.Discard, r)
		}
		if err != nil {
			c.finish(needsLinger(err))
			return
		}
	}
}

// needsLinger reports whether the peer may still have unread input on its
// way after the read error err: not after its close frame, the end of the
// stream or a deadline, but after an oversize frame or a protocol error.
func needsLinger(err error) bool {
	var ce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, net.ErrClosed), errors.As(err, &ne) && ne.Timeout():
		return false
	}
	return true
}

// seen records that the peer is alive and pushes the read deadline out.
func (c *conn) seen() {
	c.lastSeen.Store(time.Now().UnixNano())
	c.armRead()
}

// armRead sets the read deadline to PongWait after the peer was last
// heard from, unless the connection is closing (writeClose owns the
// deadline then).
func (c *conn) armRead() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing {
		last := time.Unix(0, c.lastSeen.Load())
		c.raw.SetReadDeadline(last.Add(c.h.PongWait))
	}
}

// onPing answers a client's ping, as gorilla's default handler does, and
// counts it as a sign of life.
func (c *conn) onPing(data string) error {
	c.seen()
	err := c.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(c.h.WriteWait))
	var ne net.Error
	if err == nil || errors.Is(err, websocket.ErrCloseSent) || (errors.As(err, &ne) && ne.Timeout()) {
		return nil
	}
	return err
}

// tick runs every PingInterval: it closes the connection if its session
// was revoked, pings, and re-arms the read deadline. Re-arming matters
// because some servers (fasthttp, after a hijack) clear deadlines that
// were set while the handler was still running.
func (c *conn) tick() {
	if c.closingTick() {
		return
	}
	if c.revoked() {
		c.Close(CloseSessionRevoked, "session revoked")
		return
	}
	c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.h.WriteWait))
	c.armRead()
	c.mu.Lock()
	if !c.closing {
		c.timer.Reset(c.h.PingInterval)
	}
	c.mu.Unlock()
}

// closingTick handles a tick of a closing connection: it re-applies the
// deadline that bounds the wait for the peer's close, in case a server
// cleared it, and keeps ticking until the close frame has been written.
func (c *conn) closingTick() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing {
		return false
	}
	if c.closeBy.IsZero() {
		c.timer.Reset(c.h.PingInterval)
	} else {
		c.raw.SetReadDeadline(c.closeBy)
	}
	return true
}

// revoked asks whether the connection's session has been revoked. A failed
// check keeps the connection: the next tick asks again.
func (c *conn) revoked() bool {
	if c.h.SessionValid == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.h.WriteWait)
	defer cancel()
	ok, err := c.h.SessionValid(ctx, c.tokenHash)
	if err != nil {
		c.h.Logger.Warn("feed stream: checking session", "err", err)
		return false
	}
	return !ok
}
