package stream_test

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gorilla/websocket"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed/stream"
)

// Ensure that the handler works mounted in fiber, both through
// adaptor.HTTPHandler and natively (ServeFastHTTP), with the fasthttp
// version go.mod pins: a real gorilla client upgrades, gets ready,
// receives a live frame written after the handler has returned, liveness
// works past fiber's own timeouts, and Shutdown closes with 1001.
// (DESIGN.md: the hijack this needs fails on fasthttp older than v1.55.)
func TestHandler_Fiber(t *testing.T) {
	t.Run("adaptor", func(t *testing.T) { testFiber(t, false) })
	t.Run("native", func(t *testing.T) { testFiber(t, true) })
}

// mountFiber mounts the handler at path, natively or through the adaptor.
func mountFiber(app *fiber.App, path string, h *stream.Handler, native bool) {
	if !native {
		app.Get(path, adaptor.HTTPHandler(h))
		return
	}
	app.Server().KeepHijackedConns = true
	app.Get(path, func(c *fiber.Ctx) error { h.ServeFastHTTP(c.Context()); return nil })
}

func testFiber(t *testing.T, native bool) {
	s := newFeed(t)
	fastPings(s.handler)
	app := fiber.New(fiber.Config{DisableStartupMessage: true, Immutable: true,
		ReadTimeout: time.Second, WriteTimeout: time.Second, IdleTimeout: time.Second})
	mountFiber(app, "/v1/feed/stream", s.handler, native)
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
	checkRefusals(t, s, sup, d)
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

// checkRefusals checks the answers to requests that must not be upgraded,
// an unknown token (401) and a plain GET (400), each with the API's JSON
// error, and that a supplier is upgraded (one stream per account).
func checkRefusals(t *testing.T, s *server, sup, d catalog.Account) {
	t.Helper()
	if ws, _, err := dialURL(s.url, sup.ID, ""); err != nil {
		t.Errorf("a supplier's stream was refused: %v", err)
	} else {
		ws.Close()
	}
	httpURL := "http" + strings.TrimPrefix(s.url, "ws")
	for _, c := range []struct {
		token  string
		plain  bool
		status int
	}{{"nobody", false, 401}, {d.ID, true, 400}} {
		var resp *http.Response
		var err error
		if c.plain {
			req, _ := http.NewRequest("GET", httpURL, nil)
			req.Header.Set("Authorization", "Bearer "+c.token)
			resp, err = http.DefaultClient.Do(req)
		} else {
			_, resp, err = dialURL(s.url, c.token, "")
		}
		if resp == nil {
			t.Fatalf("token %q: %v", c.token, err)
		}
		var body struct {
			Error struct{ Code string } `json:"error"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != c.status || body.Error.Code == "" {
			t.Errorf("token %q (plain GET %v): status %d, body %+v; want %d and an error code", c.token, c.plain, resp.StatusCode, body, c.status)
		}
	}
}
