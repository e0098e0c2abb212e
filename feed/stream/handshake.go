package stream

import (
	"context"

	"github.com/gorilla/websocket"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// handshake brings a new connection up to date and makes it live without
// losing or repeating an event: the hub buffers live frames from Attach on,
// the replay writes everything after the client's cursor straight to the
// socket, "ready" marks the end of the replay, and Start sends only the
// buffered frames the replay did not cover.
func (h *Handler) handshake(ctx context.Context, c *conn, d catalog.Account, after string) {
	sub, err := h.Hub.Attach(ctx, d, c)
	if err != nil {
		h.fail(c, "attaching", err)
		return
	}
	c.setSubscription(sub)
	resume, err := h.Feed.Replay(ctx, d, after, c.write)
	if catalog.ErrorCode(err) == catalog.Conflict {
		c.write([][]byte{feed.ResyncFrame()})
		c.closeNow(websocket.CloseNormalClosure, "resync")
		return
	}
	if err == nil {
		err = c.write([][]byte{feed.ReadyFrame(resume.Cursor)})
	}
	if err != nil {
		h.fail(c, "replaying", err)
		return
	}
	sub.Start(resume.Seq)
	c.goLive()
}

// fail ends a handshake that could not complete. Write errors mean the
// peer is gone; anything else is ours, so the client is told 1011.
func (h *Handler) fail(c *conn, doing string, err error) {
	if !c.broken() {
		h.Logger.Error("feed stream: "+doing, "err", err)
	}
	c.closeNow(websocket.CloseInternalServerErr, "internal error")
}

// closeNow closes a connection that never went live and waits, on the
// request's goroutine, for the peer's reply or LingerTime. Waiting here
// rather than in a new goroutine keeps the request open until the close is
// done, so that no server clears the deadline that bounds the wait.
func (c *conn) closeNow(code int, reason string) {
	c.Close(code, reason)
	c.readLoop()
}
