package stream_test

import (
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gorilla/websocket"
)

// Ensure that the handler works mounted in fiber through adaptor.HTTPHandler
// with the fasthttp version go.mod pins: a real gorilla client upgrades,
// gets ready, receives a live frame written after ServeHTTP has returned,
// liveness works past fiber's own timeouts, and Shutdown closes with 1001. (DESIGN.md: the hijack this needs
// fails on fasthttp older than v1.55.)
func TestHandler_Fiber(t *testing.T) {
	s := newFeed(t)
	fastPings(s.handler)
	app := fiber.New(fiber.Config{DisableStartupMessage: true, Immutable: true,
		ReadTimeout: time.Second, WriteTimeout: time.Second, IdleTimeout: time.Second})
	app.Get("/v1/feed/stream", adaptor.HTTPHandler(s.handler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	t.Cleanup(func() {
		app.ShutdownWithTimeout(5 * time.Second)
		select {
		case <-served:
		case <-time.After(5 * time.Second):
			t.Error("fiber did not stop")
		}
	})
	s.url = "ws://" + ln.Addr().String() + "/v1/feed/stream"

	sup := s.world.Supplier("sup")
	d := s.world.Distributor("dist")
	s.subscribe(sup, d, "standard")
	ws, resp, err := s.dial(d, "")
	if err != nil {
		t.Fatalf("upgrade through fiber: %v (response %+v)", err, resp)
	}
	defer ws.Close()
	if ev := read(t, ws); ev.Type != "ready" {
		t.Fatalf("first frame %+v", ev)
	}
	c := s.world.Post(sup, 1000, nil)
	if ev := read(t, ws); ev.Card == nil || ev.Card.ID != c.ID {
		t.Fatalf("live frame %+v", ev)
	}
	// fasthttp clears the socket's deadlines after the handler returns, and
	// its own timeouts must not reach a hijacked connection: past fiber's
	// 1 s timeouts a silent peer must still be dropped by our deadline, a
	// live one kept.
	ws.Close()
	checkLiveness(t, s, 1500*time.Millisecond)

	ws, _, err = s.dial(d, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	read(t, ws)
	go s.shutdown(t)
	if code := closeCode(t, ws); code != websocket.CloseGoingAway {
		t.Fatalf("closed with %d, want 1001", code)
	}
	if _, resp, err := s.dial(d, ""); err == nil || resp == nil || resp.StatusCode != 503 {
		t.Errorf("dial after shutdown: %v", err)
	}
}
