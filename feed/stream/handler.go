package stream

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/weigong/weigong/catalog"
	api "github.com/weigong/weigong/catalog/wire"
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
	// FlushInterval is the least time between two wake-ups of the writers
	// under a burst of changes, so that a connection's frames of several
	// changes go out in one write (see flusher); 5 ms, negative for none.
	FlushInterval time.Duration
	Logger        *slog.Logger

	once     sync.Once
	upgrader websocket.Upgrader
	conns    registry
	writers  *writerPool
	flush    *flusher // nil: a frame goes to the writer pool at once
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
		if h.FlushInterval == 0 {
			h.FlushInterval = 5 * time.Millisecond
		}
		h.writers = newWriterPool()
		if h.FlushInterval > 0 && h.Hub != nil {
			h.flush = newFlusher(h.FlushInterval, h.writers)
			h.Hub.OnRouted(h.flush.routed)
		}
		// Small buffers keep idle connections cheap: clients send only
		// control frames (gorilla needs 14+125 bytes to peek at one), and
		// gorilla's write buffer, used only for control frames, is
		// borrowed per message.
		h.upgrader = websocket.Upgrader{
			ReadBufferSize:   256,
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
	account, tokenHash, err := h.admit(r)
	if err != nil {
		status, body := h.refusal(err)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	h.upgrade(w, r, account, tokenHash)
}

// admit authenticates an upgrade request and checks that it is a
// websocket upgrade and that the server is not shutting down. Any account
// has a stream (API.md part 2): distributors get their feed, orders and
// after-sales; suppliers their received orders, after-sales and follow
// requests.
func (h *Handler) admit(r *http.Request) (catalog.Account, string, error) {
	account, tokenHash, err := h.Authenticate(r)
	if err == nil {
		err = checkUpgrade(r)
	}
	if err == nil && h.conns.isShutdown() {
		err = errShuttingDown
	}
	return account, tokenHash, err
}

// upgrade switches an admitted request to the websocket protocol and runs
// the handshake; w must implement http.Hijacker. It reports false when the
// upgrade failed, and the upgrader has then answered the request if it
// could.
func (h *Handler) upgrade(w http.ResponseWriter, r *http.Request, account catalog.Account, tokenHash string) bool {
	hw := &hijackWriter{ResponseWriter: w}
	ws, err := h.upgrader.Upgrade(hw, r, nil)
	if err != nil {
		return false
	}
	c := newConn(h, ws, hw.wire, tokenHash)
	if !h.conns.add(c) {
		c.closeNow(feed.CloseGoingAway, "server shutting down")
		return true
	}
	h.handshake(r.Context(), c, account, r.URL.Query().Get("after"))
	return true
}

// checkUpgrade checks what gorilla's Upgrade checks of the request, so
// that a request it would refuse gets the API's JSON error, and on fasthttp
// gets it before the connection is hijacked (ServeFastHTTP).
func checkUpgrade(r *http.Request) error {
	key, err := base64.StdEncoding.DecodeString(r.Header.Get("Sec-Websocket-Key"))
	switch {
	case r.Method != http.MethodGet || !websocket.IsWebSocketUpgrade(r):
		return catalog.Errorf(catalog.Invalid, "this endpoint speaks the websocket protocol only")
	case r.Header.Get("Sec-Websocket-Version") != "13":
		return catalog.Errorf(catalog.Invalid, "websocket version 13 is required")
	case err != nil || len(key) != 16:
		return catalog.Errorf(catalog.Invalid, "malformed Sec-WebSocket-Key")
	}
	return nil
}

var errShuttingDown = catalog.Errorf(catalog.Internal, "shutting down")

// refusal is the status and API JSON error body for a request that is not
// upgraded, from the one code↔status table (package wire).
func (h *Handler) refusal(err error) (int, []byte) {
	code := catalog.ErrorCode(err)
	status := code.Status()
	switch {
	case err == errShuttingDown:
		status = http.StatusServiceUnavailable
	case code == catalog.Internal:
		h.Logger.Error("feed stream: authenticating", "err", err)
	}
	body, _ := json.Marshal(api.ErrorBody{Error: api.Error{Code: code, Message: catalog.ErrorMessage(err)}})
	return status, body
}
