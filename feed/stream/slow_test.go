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
	got := 0
	for {
		_, err := readErr(slow)
		if err == nil {
			got++
			continue
		}
		if !websocket.IsCloseError(err, feed.CloseSlow) {
			t.Fatalf("slow client: %v after %d frames, want close 4008", err, got)
		}
		break
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
	// all the posts; on a loaded machine those can take longer than the
	// default 10 s write deadline, which would cut the socket (1006)
	// instead of letting the 4008 through.
	s.handler.WriteWait = 30 * time.Second
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
