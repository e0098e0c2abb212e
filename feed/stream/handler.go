package stream

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
	"github.com/weigong/weigong/feed"
)

// Authenticator identifies the caller of an upgrade request: the account
// and the hash of the session token, by which the connection is closed when
// the session is revoked. It also checks the Origin where the credentials
// came from a cookie. It returns a *catalog.Error with code Unauthorized or
// Forbidden to refuse the request.
type Authenticator func(r *http.Request) (catalog.Account, string, error)

// Close codes of the protocol besides those in package feed.
const (
	// CloseSessionRevoked closes a connection whose token was revoked.
	CloseSessionRevoked = 4001
	// maxMessage is the largest data frame a client may send (API.md).
	maxMessage = 4096
)

// Handler is the websocket endpoint. Set the exported fields before the
// first request and do not change them afterwards; zero durations and
// sizes take the defaults documented on each field.
type Handler struct {
	Hub          *feed.Hub
	Feed         *feed.Service
	Authenticate Authenticator
	// SessionValid reports whether a session still exists; nil skips the
	// periodic check (CloseSession still works).
	SessionValid func(ctx context.Context, tokenHash string) (bool, error)

	PingInterval time.Duration // between pings and session checks; 30 s
	PongWait     time.Duration // silence after which a peer is dropped; 75 s
	WriteWait    time.Duration // deadline of every write; 10 s
	LingerTime   time.Duration // wait for the peer to close after a close frame; 2 s
	QueueLen     int           // frames queued per connection before 4008; 256
	Logger       *slog.Logger

	once     sync.Once
	upgrader websocket.Upgrader
	batches  *sync.Pool
	conns    registry
}

func (h *Handler) init() {
	h.once.Do(func() {
		h.PingInterval = orDefault(h.PingInterval, 30*time.Second)
		h.PongWait = orDefault(h.PongWait, 75*time.Second)
		h.WriteWait = orDefault(h.WriteWait, 10*time.Second)
		h.LingerTime = orDefault(h.LingerTime, 2*time.Second)
		if h.QueueLen <= 0 {
			h.QueueLen = 256
		}
		if h.Logger == nil {
			h.Logger = slog.Default()
		}
		h.batches = newBatchPool()
		// Small buffers keep idle connections cheap: clients send only
		// control frames, and the write buffer is borrowed per message.
		h.upgrader = websocket.Upgrader{
			ReadBufferSize:   512,
			WriteBufferSize:  1024,
			WriteBufferPool:  &sync.Pool{},
			HandshakeTimeout: h.WriteWait,
			// Authenticate has already checked the Origin where it matters
			// (cookie credentials); bearer tokens and tickets need no check.
			CheckOrigin: func(*http.Request) bool { return true },
		}
	})
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// ServeHTTP authenticates the request, upgrades it, and runs the handshake
// (replay, ready, live). It returns once the connection is live; the
// connection then lives in its own reader goroutine.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.init()
	// One stream per account (API.md part 2): distributors get their feed,
	// orders and after-sales; suppliers their received orders, after-sales
	// and follow requests.
	account, tokenHash, err := h.Authenticate(r)
	if err != nil {
		h.refuse(w, err)
		return
	}
	if h.conns.isShutdown() {
		h.refuse(w, errShuttingDown)
		return
	}
	hw := &hijackWriter{ResponseWriter: w, pool: h.batches}
	ws, err := h.upgrader.Upgrade(hw, r, nil)
	if err != nil {
		return // the upgrader has answered the request
	}
	c := newConn(h, ws, hw.conn, tokenHash)
	if !h.conns.add(c) {
		c.closeNow(feed.CloseGoingAway, "server shutting down")
		return
	}
	h.handshake(r.Context(), c, account, r.URL.Query().Get("after"))
}

var errShuttingDown = catalog.Errorf(catalog.Internal, "shutting down")

// refuse answers a request that is not upgraded, with the API's JSON error.
func (h *Handler) refuse(w http.ResponseWriter, err error) {
	code := catalog.ErrorCode(err)
	status := code.Status() // the one table, in package wire
	switch {
	case err == errShuttingDown:
		status = http.StatusServiceUnavailable
	case code == catalog.Internal:
		h.Logger.Error("feed stream: authenticating", "err", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(wire.ErrorBody{Error: wire.ErrorDetail{Code: code, Message: catalog.ErrorMessage(err)}})
}
