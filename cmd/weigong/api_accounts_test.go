package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// apiError is the JSON error shape of API.md "Conventions".
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// mustError checks a reply has the wanted status and the JSON error shape
// with the wanted code, and returns the message.
func (n *testNode) mustError(status int, code, method, path, token string, body any, headers ...string) string {
	n.t.Helper()
	r := n.must(status, method, path, token, body, headers...)
	var e apiError
	r.decode(n.t, &e)
	if e.Error.Code != code || e.Error.Message == "" {
		n.t.Errorf("%s %s: error = %+v, want code %q with a message", method, path, e.Error, code)
	}
	if r.Header.Get("X-Request-Id") == "" {
		n.t.Errorf("%s %s: error reply lacks X-Request-Id", method, path)
	}
	return e.Error.Message
}

// with returns a view of the node that reports to t, for subtests.
func (n *testNode) with(t *testing.T) *testNode {
	c := *n
	c.t = t
	return &c
}

func signUpBody(role, handle, password string) map[string]string {
	return map[string]string{"role": role, "handle": handle, "password": password, "name": handle}
}

// TestAPI_SignUp_Validation ensures a bad role, handle or short password is
// refused with 400 and the JSON error shape.
func TestAPI_SignUp_Validation(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	for name, body := range map[string]map[string]string{
		"bad role":       signUpBody("admin", "valid_handle", "password123"),
		"empty role":     signUpBody("", "valid_handle", "password123"),
		"upper handle":   signUpBody("supplier", "BadHandle", "password123"),
		"short handle":   signUpBody("supplier", "ab", "password123"),
		"long handle":    signUpBody("supplier", strings.Repeat("a", 33), "password123"),
		"handle symbols": signUpBody("supplier", "bad-handle!", "password123"),
		"short password": signUpBody("distributor", "valid_handle", "short7c"),
	} {
		t.Run(name, func(t *testing.T) {
			n.with(t).mustError(400, "invalid", "POST", "/v1/accounts", "", body)
		})
	}
	n.mustError(400, "invalid", "POST", "/v1/accounts", "", `{"role":`)
}

// TestAPI_SignUp_DuplicateHandle ensures a taken handle gets 409.
func TestAPI_SignUp_DuplicateHandle(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	n.signUp("supplier", "dup_handle")
	n.mustError(409, "conflict", "POST", "/v1/accounts", "", signUpBody("distributor", "dup_handle", "password456"))
}

// TestAPI_SignIn_WrongPassword ensures sign-in works with the right password
// and a wrong password and an unknown handle both get the same 401.
func TestAPI_SignIn_WrongPassword(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	a := n.signUp("distributor", "signin_user")
	var out struct {
		Account struct{ ID, Handle string }
		Token   string
	}
	n.must(200, "POST", "/v1/sessions", "", map[string]string{"handle": "signin_user", "password": "password123"}).decode(t, &out)
	if out.Token == "" || out.Account.ID != a.ID {
		t.Fatalf("sign-in reply = %+v", out)
	}
	n.must(200, "GET", "/v1/me", out.Token, nil)
	wrong := n.mustError(401, "unauthorized", "POST", "/v1/sessions", "", map[string]string{"handle": "signin_user", "password": "wrongpass1"})
	unknown := n.mustError(401, "unauthorized", "POST", "/v1/sessions", "", map[string]string{"handle": "nobody_here", "password": "password123"})
	if wrong != unknown {
		t.Errorf("wrong password says %q but unknown handle says %q: the messages must not tell them apart", wrong, unknown)
	}
}

// TestAPI_SignOut_RevokesToken ensures DELETE /v1/sessions/current makes the
// token useless while other sessions keep working.
func TestAPI_SignOut_RevokesToken(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	a := n.signUp("distributor", "signout_user")
	var other struct{ Token string }
	n.must(200, "POST", "/v1/sessions", "", map[string]string{"handle": a.Handle, "password": "password123"}).decode(t, &other)
	n.must(200, "GET", "/v1/me", a.Token, nil)
	n.must(204, "DELETE", "/v1/sessions/current", a.Token, nil)
	n.mustError(401, "unauthorized", "GET", "/v1/me", a.Token, nil)
	n.must(200, "GET", "/v1/me", other.Token, nil)
}

// TestAPI_RequestID_OnEveryResponse ensures X-Request-Id is set on
// successes, API errors, pages, media and unknown routes alike.
func TestAPI_RequestID_OnEveryResponse(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	seen := map[string]bool{}
	for _, p := range [][2]string{
		{"GET", "/healthz"}, {"GET", "/v1/me"}, {"GET", "/robots.txt"}, {"GET", "/c/nobody"},
		{"GET", "/media/nope/grid.jpg"}, {"GET", "/v1/no/such/route"}, {"POST", "/v1/sessions"},
		{"GET", "/s/AAAAAAAAAAAAAAAAAAAAAA"}, {"GET", "/v1/openapi.json"},
	} {
		r := n.do(p[0], p[1], "", nil)
		id := r.Header.Get("X-Request-Id")
		if id == "" {
			t.Errorf("%s %s (%d) lacks X-Request-Id", p[0], p[1], r.Status)
		}
		if seen[id] {
			t.Errorf("%s %s reuses request ID %q", p[0], p[1], id)
		}
		seen[id] = true
	}
}

// TestAPI_PatchMe_SupplierAndDistributor ensures suppliers can set levels and
// follow_policy, and a distributor setting follow_policy gets 400.
func TestAPI_PatchMe_SupplierAndDistributor(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "patch_sup")
	dist := n.signUp("distributor", "patch_dist")
	var me struct {
		Levels []string
		Policy string `json:"follow_policy"`
	}
	n.must(200, "GET", "/v1/me", sup.Token, nil).decode(t, &me)
	if me.Policy != "open" || len(me.Levels) != 1 || me.Levels[0] != "standard" {
		t.Errorf("new supplier = policy %q levels %v, want open [standard]", me.Policy, me.Levels)
	}
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]any{"levels": []string{"standard", "silver", "gold"}, "follow_policy": "approval"}).decode(t, &me)
	if me.Policy != "approval" || strings.Join(me.Levels, ",") != "standard,silver,gold" {
		t.Errorf("patched supplier = policy %q levels %v", me.Policy, me.Levels)
	}
	n.must(200, "GET", "/v1/me", sup.Token, nil).decode(t, &me)
	if me.Policy != "approval" || len(me.Levels) != 3 {
		t.Errorf("re-read supplier = policy %q levels %v", me.Policy, me.Levels)
	}
	n.mustError(400, "invalid", "PATCH", "/v1/me", sup.Token, map[string]any{"follow_policy": "anyone"})
	n.mustError(400, "invalid", "PATCH", "/v1/me", dist.Token, map[string]any{"follow_policy": "open"})
	n.mustError(400, "invalid", "PATCH", "/v1/me", dist.Token, map[string]any{"levels": []string{"x"}})
	var d struct{ Bio, Contact string }
	n.must(200, "PATCH", "/v1/me", dist.Token, map[string]any{"bio": "hello", "contact": "wx_dist"}).decode(t, &d)
	if d.Bio != "hello" || d.Contact != "wx_dist" {
		t.Errorf("distributor patch = %+v", d)
	}
}

// TestAPI_SessionCookie_OriginCheck ensures sign-up sets an HttpOnly
// SameSite=Lax wg_session cookie, and cookie-authenticated writes pass only
// from the server's own Origin.
func TestAPI_SessionCookie_OriginCheck(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	r := n.must(201, "POST", "/v1/accounts", "", signUpBody("supplier", "cookie_sup", "password123"))
	var cookie *http.Cookie
	for _, line := range r.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == "wg_session" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value == "" {
		t.Fatalf("sign-up sets no wg_session cookie: %v", r.Header.Values("Set-Cookie"))
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("wg_session cookie HttpOnly=%v SameSite=%v, want HttpOnly Lax", cookie.HttpOnly, cookie.SameSite)
	}
	ck := "wg_session=" + cookie.Value
	n.must(200, "GET", "/v1/me", "", nil, "Cookie", ck)
	n.mustError(403, "forbidden", "PATCH", "/v1/me", "", map[string]string{"bio": "evil"}, "Cookie", ck, "Origin", "https://evil.example")
	n.mustError(403, "forbidden", "PATCH", "/v1/me", "", map[string]string{"bio": "no origin"}, "Cookie", ck)
	var me struct{ Bio string }
	n.must(200, "PATCH", "/v1/me", "", map[string]string{"bio": "mine"}, "Cookie", ck, "Origin", n.URL).decode(t, &me)
	if me.Bio != "mine" {
		t.Errorf("bio = %q after same-origin patch", me.Bio)
	}
}

// TestAPI_SignIn_RateLimited ensures that with rate limits on, the 11th
// failed sign-in for one handle within a minute gets 429, and that the
// handle is open again a minute after its last failure. The node runs on
// a clock the test moves: on the wall clock, ten argon2 checks under
// -race on a loaded machine could take longer than the minute itself.
func TestAPI_SignIn_RateLimited(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 55, 0, time.UTC)}
	n := startNode(t, t.TempDir(), func(c *serveConfig) { c.NoRateLimit, c.clock = false, clock.Now })
	n.signUp("distributor", "limited_user")
	bad := map[string]string{"handle": "limited_user", "password": "wrongpass1"}
	for i := 0; i < 10; i++ {
		n.mustError(401, "unauthorized", "POST", "/v1/sessions", "", bad)
		clock.Set(clock.Now().Add(time.Second)) // 9:00:55 … 9:01:05, across the minute
	}
	n.mustError(429, "rate_limited", "POST", "/v1/sessions", "", bad)
	// The right password is refused too: the handle is locked for the window.
	good := map[string]string{"handle": "limited_user", "password": "password123"}
	n.mustError(429, "rate_limited", "POST", "/v1/sessions", "", good)
	// Another handle is unaffected.
	n.signUp("distributor", "other_user")
	n.must(200, "POST", "/v1/sessions", "", map[string]string{"handle": "other_user", "password": "password123"})
	// A minute after the last failure (and at most 6 s more) it is open.
	clock.Set(clock.Now().Add(66 * time.Second))
	n.must(200, "POST", "/v1/sessions", "", good)
}
