package stream_test

import (
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/internal/feedtest"
)

// Ensure that a client that stops reading is closed with 4008 once its
// queue is full, after the frames that did fit, while another client on the
// same supplier receives every card.
func TestHandler_SlowClient(t *testing.T) {
	s, sup, slow := stalledServer(t)
	stalledAt := time.Now()
	fastD := s.world.Distributor("fast")
	s.subscribe(sup, fastD, "standard")
	fast, _, err := s.dial(fastD, "")
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	read(t, fast)

	// Each card waits for the fast client to receive the previous one, so
	// only the stalled client can fall behind.
	const posts = 100
	for i := 0; i < posts; i++ {
		c := feedtest.NewCard(sup, 1000, nil)
		c.Description = strings.Repeat("描述", 600) // about 3.6 KB per frame
		s.world.Save(c, catalog.CardPublished)
		if ev, err := readErr(fast); err != nil || ev.Card.ID != c.ID {
			t.Fatalf("fast client, card %d: %+v, %v", i, ev, err)
		}
	}
	got, err := drainStalled(slow, stalledAt)
	if !websocket.IsCloseError(err, feed.CloseSlow) {
		t.Fatalf("slow client: %v after %d frames, want close 4008", err, got)
	}
	if got >= posts {
		t.Errorf("slow client got all %d frames", got)
	}
	t.Logf("slow client got %d frames before 4008", got)
}

// stalledServer starts a feed whose connections have small kernel buffers
// and queues of four frames, with a supplier and one follower's client
// that has read its ready frame and will read nothing more.
func stalledServer(t *testing.T) (*server, catalog.Account, *websocket.Conn) {
	s := newFeed(t)
	s.handler.QueueLen = 4
	// The stalled client's last write blocks until the test reads it after
	// all the posts (see drainStalled); on a loaded machine that can take
	// longer than the default 10 s write deadline, which would cut the
	// socket (1006) instead of letting the 4008 through.
	s.handler.WriteWait = 2 * time.Minute
	ts := httptest.NewUnstartedServer(s.handler)
	// Small kernel buffers, so that a stalled client fills them quickly.
	ts.Listener = smallBufferListener{ts.Listener}
	ts.Start()
	t.Cleanup(func() { s.shutdown(t); ts.Close() })
	s.url = "ws" + strings.TrimPrefix(ts.URL, "http")

	sup := s.world.Supplier("sup")
	slowD := s.world.Distributor("slow")
	s.subscribe(sup, slowD, "standard")
	d := websocket.Dialer{NetDialContext: smallBufferDial}
	slow, _, err := d.Dial(s.url, map[string][]string{"Authorization": {"Bearer " + slowD.ID}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slow.Close() })
	read(t, slow)
	return s, sup, slow
}

type smallBufferListener struct{ net.Listener }

func (l smallBufferListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(8 << 10)
	}
	return c, err
}

func smallBufferDial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetReadBuffer(4 << 10)
	}
	return c, err
}

// drainStalled reads a client that has read nothing since stalledAt until
// its connection ends, and returns the frames read and the error that
// ended it (a *websocket.CloseError for a close frame). Each read may take
// as long as the stall plus 10 s: the client's kernel buffer is far below
// the loopback MSS, so reading does not make it announce the reopened
// window, and the server's kernel only finds out from its zero-window
// probes, whose interval doubles (from 200 ms) for as long as the window
// stays shut.
func drainStalled(ws *websocket.Conn, stalledAt time.Time) (int, error) {
	wait := time.Since(stalledAt) + 10*time.Second
	for got := 0; ; got++ {
		ws.SetReadDeadline(time.Now().Add(wait))
		if _, _, err := ws.ReadMessage(); err != nil {
			return got, err
		}
	}
}
