package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// dialStream tries a websocket upgrade of /v1/feed/stream with the given
// query and headers and returns the HTTP status of the answer.
func (n *testNode) dialStream(t *testing.T, query string, h http.Header) int {
	t.Helper()
	url := "ws" + strings.TrimPrefix(n.URL, "http") + "/v1/feed/stream" + query
	conn, resp, err := websocket.DefaultDialer.Dial(url, h)
	if err == nil {
		defer conn.Close()
		return resp.StatusCode
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	return resp.StatusCode
}

// TestStream_CookieNeedsOwnOrigin ensures that a valid session cookie opens
// the stream only from the server's own origin: a page on another site
// cannot ride the cookie (cross-site websocket hijacking).
func TestStream_CookieNeedsOwnOrigin(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	d := n.signUp("distributor", "ws_cookie")
	cookie := "wg_session=" + d.Token
	cases := []struct {
		origin string
		want   int
	}{
		{"https://evil.example", http.StatusForbidden},
		{"", http.StatusForbidden},
		{n.URL, http.StatusSwitchingProtocols},
	}
	for _, c := range cases {
		h := http.Header{"Cookie": {cookie}}
		if c.origin != "" {
			h.Set("Origin", c.origin)
		}
		if got := n.dialStream(t, "", h); got != c.want {
			t.Errorf("cookie upgrade with Origin %q = %d, want %d", c.origin, got, c.want)
		}
	}
	if got := n.dialStream(t, "", nil); got != http.StatusUnauthorized {
		t.Errorf("upgrade without credentials = %d, want 401", got)
	}
}

// TestStream_TicketIsSingleUse ensures a ticket from POST /v1/feed/tickets
// opens one websocket from any origin, and only one.
func TestStream_TicketIsSingleUse(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	d := n.signUp("distributor", "ws_ticket")
	var tk struct{ Ticket string }
	n.must(201, "POST", "/v1/feed/tickets", d.Token, nil).decode(t, &tk)
	h := http.Header{"Origin": {"https://app.example"}}
	if got := n.dialStream(t, "?ticket="+tk.Ticket, h); got != http.StatusSwitchingProtocols {
		t.Fatalf("first use of ticket = %d, want 101", got)
	}
	if got := n.dialStream(t, "?ticket="+tk.Ticket, h); got != http.StatusUnauthorized {
		t.Fatalf("second use of ticket = %d, want 401", got)
	}
	if got := n.dialStream(t, "?ticket="+d.Token, h); got != http.StatusUnauthorized {
		t.Fatalf("a session token used as a ticket = %d, want 401", got)
	}
}
