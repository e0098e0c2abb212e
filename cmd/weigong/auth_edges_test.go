package main

import (
	"io"
	"net/http"
	"net/netip"
	"regexp"
	"strings"
	"testing"
)

// TestAuth_SessionFormsNeedJSONAndOwnOrigin ensures sign-in and sign-up
// cannot be driven by a page on another site (login CSRF): a form post
// (text/plain, urlencoded, multipart) gets 415 and a foreign Origin gets
// 403, neither with a session cookie nor, for sign-up, an account. The
// server's own origin, an allowed origin and no Origin at all (apps,
// curl) still work.
func TestAuth_SessionFormsNeedJSONAndOwnOrigin(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir(), func(c *serveConfig) { c.AllowedOrigins = []string{"https://app.example"} })
	n.signUp("distributor", "csrf_victim")
	signIn := `{"handle": "csrf_victim", "password": "password123"}`
	signUp := func(handle string) string {
		return `{"role": "distributor", "handle": "` + handle + `", "password": "password123"}`
	}
	for _, c := range []struct {
		name, path, body, ctype, origin string
		status                          int
	}{
		{"text/plain from another site", "/v1/sessions", signIn, "text/plain", "https://evil.example", 403},
		{"text/plain, no Origin", "/v1/sessions", signIn, "text/plain", "", 415},
		{"urlencoded, no Origin", "/v1/sessions", signIn, "application/x-www-form-urlencoded", "", 415},
		{"multipart, no Origin", "/v1/sessions", signIn, "multipart/form-data; boundary=x", "", 415},
		{"no Content-Type", "/v1/sessions", signIn, "", "", 415},
		{"JSON from another site", "/v1/sessions", signIn, "application/json", "https://evil.example", 403},
		{"JSON from an opaque origin", "/v1/sessions", signIn, "application/json", "null", 403},
		{"sign-up text/plain from another site", "/v1/accounts", signUp("csrf_planted"), "text/plain", "https://evil.example", 403},
		{"sign-up text/plain", "/v1/accounts", signUp("csrf_planted"), "text/plain", "", 415},
		{"sign-up JSON from another site", "/v1/accounts", signUp("csrf_planted"), "application/json", "https://evil.example", 403},
	} {
		req, _ := http.NewRequest("POST", n.URL+c.path, strings.NewReader(c.body))
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s = %d %s, want %d", c.name, resp.StatusCode, body, c.status)
		}
		if cookies := resp.Header.Values("Set-Cookie"); len(cookies) > 0 {
			t.Errorf("%s sets a cookie: %v", c.name, cookies)
		}
	}
	// None of the refused sign-ups created the account.
	n.signUp("distributor", "csrf_planted")

	for _, origin := range []string{"", n.URL, "https://app.example"} {
		r := n.must(200, "POST", "/v1/sessions", "", signIn, "Origin", origin, "Content-Type", "application/json; charset=utf-8")
		if len(r.Header.Values("Set-Cookie")) == 0 {
			t.Errorf("sign-in with Origin %q sets no cookie", origin)
		}
	}
}

var ogURL = regexp.MustCompile(`<meta property="og:url" content="([^"]*)"`)

// TestProxy_ForwardedHeadersOnlyFromTrustedProxies ensures that
// X-Forwarded-Host and X-Forwarded-Proto change the channel page's og:url,
// its QR code (publicly cacheable) and share links only when the peer is
// a configured proxy: by default no client can point them at another host.
func TestProxy_ForwardedHeadersOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	spoof := []string{"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https"}
	for _, c := range []struct {
		name    string
		proxies []netip.Prefix
		want    func(n *testNode) string // the origin links must use
	}{
		{"untrusted peer", nil, func(n *testNode) string { return n.URL }},
		{"trusted proxy", []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, func(*testNode) string { return "https://evil.example" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n := startNode(t, t.TempDir(), func(cfg *serveConfig) { cfg.TrustedProxies = c.proxies })
			w := newShareWorld(t, n, "fwd", nil)
			want := c.want(n)

			page := n.must(200, "GET", "/c/"+w.sup.Handle, "", nil, spoof...)
			m := ogURL.FindSubmatch(page.Body)
			if m == nil || string(m[1]) != want+"/c/"+w.sup.Handle {
				t.Errorf("og:url = %q, want %q", m, want+"/c/"+w.sup.Handle)
			}
			if c.proxies == nil && strings.Contains(string(page.Body), "evil.example") {
				t.Errorf("the channel page names the spoofed host")
			}

			plain := n.must(200, "GET", "/c/"+w.sup.Handle+"/qr.png", "", nil).Body
			spoofed := n.must(200, "GET", "/c/"+w.sup.Handle+"/qr.png", "", nil, spoof...).Body
			if same := string(plain) == string(spoofed); same != (want == n.URL) {
				t.Errorf("QR code with forwarded headers identical to the plain one: %v, want %v", same, want == n.URL)
			}

			var s shareReply
			n.must(201, "POST", "/v1/shares", w.dist.Token, map[string]any{"card_id": w.card.ID}, spoof...).decode(t, &s)
			if !strings.HasPrefix(s.URL, want+"/s/") {
				t.Errorf("share URL = %q, want it under %s", s.URL, want)
			}
		})
	}
}
