package stream

import (
	"context"
	"sync"

	"github.com/weigong/weigong/feed"
)

// registry is the handler's set of open connections, for shutdown and for
// closing the connections of a revoked session at once.
type registry struct {
	mu       sync.Mutex
	conns    map[*conn]struct{}
	shutdown bool
}

// add registers c; it refuses once shutdown has begun.
func (r *registry) add(c *conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.shutdown {
		return false
	}
	if r.conns == nil {
		r.conns = map[*conn]struct{}{}
	}
	r.conns[c] = struct{}{}
	return true
}

func (r *registry) remove(c *conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.conns, c)
}

func (r *registry) isShutdown() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.shutdown
}

// snapshot returns the open connections that match keep.
func (r *registry) snapshot(keep func(*conn) bool) []*conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*conn
	for c := range r.conns {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// Connections returns the number of open connections.
func (h *Handler) Connections() int {
	h.conns.mu.Lock()
	defer h.conns.mu.Unlock()
	return len(h.conns.conns)
}

// CloseSession closes, with 4001, every connection opened with the session
// whose token hash is given. The periodic check would find the revocation
// within PingInterval; this makes sign-out take effect at once.
func (h *Handler) CloseSession(tokenHash string) {
	for _, c := range h.conns.snapshot(func(c *conn) bool { return c.tokenHash == tokenHash }) {
		c.Close(CloseSessionRevoked, "session revoked")
	}
}

// Shutdown refuses new connections, closes every open one with 1001 and
// waits until they are torn down or ctx is done; connections still open
// then are cut without further ceremony.
func (h *Handler) Shutdown(ctx context.Context) {
	h.init()
	h.conns.mu.Lock()
	h.conns.shutdown = true
	h.conns.mu.Unlock()
	conns := h.conns.snapshot(func(*conn) bool { return true })
	for _, c := range conns {
		c.Close(feed.CloseGoingAway, "server shutting down")
	}
	for _, c := range conns {
		select {
		case <-c.finished:
		case <-ctx.Done():
			c.raw.Close()
		}
	}
}
