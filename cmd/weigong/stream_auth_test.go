package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/weigong/weigong/catalog"
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

// ticket issues a websocket ticket for the session of token.
func (n *testNode) ticket(token string) string {
	n.t.Helper()
	var tk struct{ Ticket string }
	n.must(201, "POST", "/v1/feed/tickets", token, nil).decode(n.t, &tk)
	return tk.Ticket
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
// opens one websocket from any origin, and only one; and that a session
// token passed as ?ticket= is refused while the session stays signed in
// (tickets and sessions share a store, and redeeming used to take, and so
// sign out, whatever record the token named).
func TestStream_TicketIsSingleUse(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	d := n.signUp("distributor", "ws_ticket")
	ticket := n.ticket(d.Token)
	h := http.Header{"Origin": {"https://app.example"}}
	if got := n.dialStream(t, "?ticket="+ticket, h); got != http.StatusSwitchingProtocols {
		t.Fatalf("first use of ticket = %d, want 101", got)
	}
	if got := n.dialStream(t, "?ticket="+ticket, h); got != http.StatusUnauthorized {
		t.Fatalf("second use of ticket = %d, want 401", got)
	}
	if got := n.dialStream(t, "?ticket="+d.Token, h); got != http.StatusUnauthorized {
		t.Fatalf("a session token used as a ticket = %d, want 401", got)
	}
	n.must(200, "GET", "/v1/me", d.Token, nil)
	if got := n.dialStream(t, "", http.Header{"Authorization": {"Bearer " + d.Token}}); got != http.StatusSwitchingProtocols {
		t.Fatalf("the session's own upgrade after the attempt = %d, want 101", got)
	}
}

// TestStream_TicketOfSignedOutSessionRefused ensures a ticket stops
// working when the session it was issued for is signed out.
func TestStream_TicketOfSignedOutSessionRefused(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	d := n.signUp("distributor", "ws_signed_out")
	ticket := n.ticket(d.Token)
	n.must(204, "DELETE", "/v1/sessions/current", d.Token, nil)
	if got := n.dialStream(t, "?ticket="+ticket, nil); got != http.StatusUnauthorized {
		t.Fatalf("ticket of a signed-out session = %d, want 401", got)
	}
}

// TestStream_TicketOfExpiredSessionRefused ensures a ticket issued in the
// last minute of a session cannot be redeemed once the session has
// expired, even before expired sessions are swept away. It moves the
// catalog's clock, so it wires a node without serving it and calls the
// stream's own authentication.
func TestStream_TicketOfExpiredSessionRefused(t *testing.T) {
	t.Parallel()
	node, err := openNode(serveConfig{Data: t.TempDir()}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer node.db.Close()
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	node.catalog.Now = func() time.Time { return now }
	account, token, err := node.catalog.SignUp(ctx, catalog.SignUpInput{Role: string(catalog.RoleDistributor),
		Handle: "ws_expiring", Password: "password123"})
	if err != nil {
		t.Fatal(err)
	}
	_, session, err := node.catalog.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	redeem := func(ticket string) error {
		_, _, err := node.http.StreamAuth(httptest.NewRequest("GET", "/v1/feed/stream?ticket="+ticket, nil))
		return err
	}

	now = session.ExpiresAt.Add(-30 * time.Second)
	fresh, _, err := node.catalog.IssueTicket(ctx, account, session)
	if err != nil {
		t.Fatal(err)
	}
	if err := redeem(fresh); err != nil {
		t.Fatalf("ticket redeemed while its session lives: %v", err)
	}
	late, _, err := node.catalog.IssueTicket(ctx, account, session)
	if err != nil {
		t.Fatal(err)
	}
	now = session.ExpiresAt.Add(time.Second) // the ticket itself has 29 s left
	if err := redeem(late); catalog.ErrorCode(err) != catalog.Unauthorized {
		t.Fatalf("ticket of an expired session: err = %v, want unauthorized", err)
	}
}
