package client

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/weigong/weigong/catalog/wire"
)

// SubscribeOptions tune Subscribe.
type SubscribeOptions struct {
	// After is the cursor of the last event the caller has handled; the
	// subscription resumes strictly after it. "" starts from now.
	After string
	// MinBackoff and MaxBackoff bound the wait before a reconnect; the
	// wait doubles after each failed attempt, with full jitter, and
	// starts over once a connection is ready. Defaults 250 ms and 30 s.
	MinBackoff, MaxBackoff time.Duration
	// Dialer dials the websocket; nil means websocket.DefaultDialer.
	Dialer *websocket.Dialer
}

// ErrRevoked is returned by Subscribe when the server closed the stream
// because the credential was revoked (close code 4001): reconnecting
// with it cannot succeed.
var ErrRevoked = errors.New("weigong: the token or key was revoked")

// closeRevoked is the close code of a revoked credential (API.md).
const closeRevoked = 4001

// dedupWindow is how many recent cursors are remembered to drop repeats.
const dedupWindow = 4096

// Subscribe follows the account's event stream until ctx ends or handle
// returns an error, and returns that error. It calls handle once per event
// in order, never twice for the same cursor, and carries on across
// dropped connections, server restarts and slow-consumer closes by
// reconnecting (with jittered backoff) from the cursor of the last event
// handled, so no event is lost.
//
// When the server cannot resume from the cursor (it is older than the
// server's retention), handle gets an Event of type wire.TypeResync: the
// caller must reload its state (Feed, Orders, …) before returning; the
// subscription then carries on from a cursor taken before handle was
// called, so nothing that happens during the reload is lost. Save each
// event's Cursor after handling it, and pass the last one as After to
// resume a later subscription.
func (c *Client) Subscribe(ctx context.Context, opts SubscribeOptions, handle func(wire.Event) error) error {
	s := &subscription{c: c, opts: opts, handle: handle, cursor: opts.After, seen: map[string]bool{}}
	return s.run(ctx)
}

type subscription struct {
	c      *Client
	opts   SubscribeOptions
	handle func(wire.Event) error
	cursor string
	// seen and order remember the last dedupWindow cursors handled.
	seen  map[string]bool
	order []string
}

// errHandler wraps an error from the caller's handle, which ends the run.
type errHandler struct{ err error }

func (e errHandler) Error() string { return e.err.Error() }

func (s *subscription) run(ctx context.Context) error {
	minWait, maxWait := s.opts.MinBackoff, s.opts.MaxBackoff
	if minWait <= 0 {
		minWait = 250 * time.Millisecond
	}
	if maxWait < minWait {
		maxWait = max(30*time.Second, minWait)
	}
	wait := minWait
	for {
		ready, err := s.connect(ctx)
		var he errHandler
		switch {
		case errors.As(err, &he):
			return he.err
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrRevoked), IsCode(err, wire.Unauthorized), IsCode(err, wire.Forbidden):
			return err
		}
		if ready {
			wait = minWait
		}
		pause := time.Duration(rand.Int64N(int64(wait)) + 1) // full jitter
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		wait = min(2*wait, maxWait)
	}
}

// connect runs one connection until it ends, and reports whether it got
// as far as ready.
func (s *subscription) connect(ctx context.Context) (ready bool, err error) {
	u, err := s.streamURL()
	if err != nil {
		return false, err
	}
	dialer := s.opts.Dialer
	if dialer == nil {
		dialer = websocket.DefaultDialer
	}
	header := http.Header{}
	if s.c.token != "" {
		header.Set("Authorization", "Bearer "+s.c.token)
	}
	ws, resp, err := dialer.DialContext(ctx, u, header)
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			var body [4096]byte
			n, _ := resp.Body.Read(body[:])
			return false, replyError(resp, body[:n])
		}
		return false, err
	}
	defer ws.Close()
	stop := context.AfterFunc(ctx, func() { ws.Close() })
	defer stop()
	ws.SetReadLimit(maxReply)
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			if websocket.IsCloseError(err, closeRevoked) {
				return ready, ErrRevoked
			}
			return ready, err
		}
		var ev wire.Event
		if err := json.Unmarshal(data, &ev); err != nil {
			return ready, err
		}
		switch ev.Type {
		case wire.TypeReady:
			ready = true
			if ev.Cursor != "" {
				s.cursor = ev.Cursor
			}
		case wire.TypeResync:
			return ready, s.resync(ctx)
		default:
			if err := s.deliver(ev); err != nil {
				return ready, err
			}
		}
	}
}

// deliver hands one event to the caller unless its cursor was handled.
func (s *subscription) deliver(ev wire.Event) error {
	if ev.Cursor != "" {
		if s.seen[ev.Cursor] {
			return nil
		}
		s.seen[ev.Cursor] = true
		s.order = append(s.order, ev.Cursor)
		if len(s.order) > dedupWindow {
			delete(s.seen, s.order[0])
			s.order = s.order[1:]
		}
	}
	if err := s.handle(ev); err != nil {
		return errHandler{err}
	}
	if ev.Cursor != "" {
		s.cursor = ev.Cursor
	}
	return nil
}

// resync takes the current cursor first, then lets the caller reload, and
// resumes from that cursor: whatever happens during the reload comes as
// events afterwards (at worst twice, which the caller's reload absorbs).
func (s *subscription) resync(ctx context.Context) error {
	_, now, err := s.c.Events(ctx, "", 0)
	if err != nil {
		return err
	}
	if err := s.handle(wire.Event{Type: wire.TypeResync}); err != nil {
		return errHandler{err}
	}
	s.cursor = now
	return nil
}

// streamURL is the websocket URL of the stream, resuming after the cursor.
func (s *subscription) streamURL() (string, error) {
	u, err := url.Parse(s.c.base + "/v1/feed/stream")
	if err != nil {
		return "", err
	}
	u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
	if s.cursor != "" {
		u.RawQuery = url.Values{"after": {s.cursor}}.Encode()
	}
	return u.String(), nil
}
