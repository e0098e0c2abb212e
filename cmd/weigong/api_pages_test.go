package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/png"
	"strings"
	"testing"
)

// robotsAllowed applies a robots.txt to one crawler and path as RFC 9309
// says: the crawler obeys the group that names its product token (else
// the "*" group); among that group's rules the longest matching path
// wins, Allow on a tie; no matching rule allows. Paths match by prefix
// (the file under test uses no wildcards; the test refuses them).
func robotsAllowed(t *testing.T, txt, agent, path string) bool {
	t.Helper()
	type rule struct {
		allow bool
		path  string
	}
	groups := map[string][]rule{}
	var current []string
	inAgents := false
	for _, line := range strings.Split(txt, "\n") {
		line, _, _ = strings.Cut(line, "#")
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
		switch key {
		case "user-agent":
			if !inAgents {
				current = nil
			}
			current, inAgents = append(current, strings.ToLower(value)), true
		case "allow", "disallow":
			inAgents = false
			if strings.ContainsAny(value, "*$") {
				t.Fatalf("robots.txt rule %q uses a wildcard this test does not model", line)
			}
			for _, a := range current {
				groups[a] = append(groups[a], rule{key == "allow", value})
			}
		}
	}
	rules, ok := groups[strings.ToLower(agent)]
	if !ok {
		rules = groups["*"]
	}
	best, allowed := -1, true
	for _, r := range rules {
		if r.path == "" || !strings.HasPrefix(path, r.path) {
			continue
		}
		if len(r.path) > best || len(r.path) == best && r.allow {
			best, allowed = len(r.path), r.allow
		}
	}
	return allowed
}

// TestAPI_Robots_OnlySharePagesReadable ensures /robots.txt lets every
// crawler, link-preview fetchers included, read share pages and their
// collages (API.md "Hidden from search"), and nothing else: not the
// channel pages, the app, the API, photos or the QR codes.
func TestAPI_Robots_OnlySharePagesReadable(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	r := n.must(200, "GET", "/robots.txt", "", nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want text/plain", ct)
	}
	txt := string(r.Body)
	const id = "AAAAAAAAAAAAAAAAAAAAAA"
	readable := []string{"/s/" + id, "/s/" + id + "/collage.jpg"}
	closed := []string{"/", "/c/orchard", "/c/orchard/qr.png", "/app/", "/v1/cards/x", "/v1/suppliers/orchard",
		"/media/x/display.jpg", "/healthz", "/v1/openapi.json", "/search?q=s/", "/share/" + id}
	for _, agent := range []string{"Twitterbot", "facebookexternalhit", "Slackbot", "TelegramBot", "LinkedInBot",
		"Discordbot", "WhatsApp", "Googlebot", "bingbot", "Baiduspider", "Sogou", "AnyOtherBot"} {
		for _, p := range readable {
			if !robotsAllowed(t, txt, agent, p) {
				t.Errorf("%s may not read %s:\n%s", agent, p, txt)
			}
		}
		for _, p := range closed {
			if robotsAllowed(t, txt, agent, p) {
				t.Errorf("%s may read %s:\n%s", agent, p, txt)
			}
		}
	}
}

// Real User-Agent strings, as the apps send them.
const (
	iPhoneSafariUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	wechatIOSUA    = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
	wechatDroidUA  = "Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)

// shareViews returns a share's view count as its distributor sees it.
func (w *shareWorld) shareViews(id string) int64 {
	w.n.t.Helper()
	var list struct{ Items []shareReply }
	w.n.must(200, "GET", "/v1/shares", w.dist.Token, nil).decode(w.n.t, &list)
	for _, s := range list.Items {
		if s.ID == id {
			return s.Views
		}
	}
	w.n.t.Fatalf("share %s not in the list", id)
	return 0
}

// TestAPI_SharePage_ViewsArePeople ensures that of all the requests a
// shared link gets, only people opening it count: not HEAD, not the social
// apps' link-preview fetchers (WeChat's included), crawlers, HTTP libraries
// or browser prefetches; WeChat's in-app browser counts, once; and rotating
// User-Agents from one address adds at most share.MaxViewsPerAddress.
func TestAPI_SharePage_ViewsArePeople(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "people", nil)
	s := w.share(nil)
	page := "/s/" + s.ID
	n.must(200, "HEAD", page, "", nil, "User-Agent", iPhoneSafariUA)
	for _, ua := range []string{
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"Twitterbot/1.0",
		"WhatsApp/2.23.18.78 i",
		"TelegramBot (like TwitterBot)",
		"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
		"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
		"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
		"Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
		"WeChat/8.0.47.33 CFNetwork/1410.0.3 Darwin/22.6.0",
		"WeChatShareExtensionNew/8.0.47.33 CFNetwork/1410.0.3 Darwin/22.6.0",
		"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
		"Go-http-client/1.1",
		"",
	} {
		n.must(200, "GET", page, "", nil, "User-Agent", ua)
	}
	n.must(200, "GET", page, "", nil, "User-Agent", iPhoneSafariUA, "Sec-Purpose", "prefetch")
	if v := w.shareViews(s.ID); v != 0 {
		t.Fatalf("views = %d after HEAD, fetchers, crawlers and a prefetch; want 0", v)
	}
	for i := 0; i < 3; i++ {
		n.must(200, "GET", page, "", nil, "User-Agent", wechatIOSUA)
	}
	if v := w.shareViews(s.ID); v != 1 {
		t.Fatalf("views = %d after three loads in WeChat, want 1", v)
	}
	// Another page of the same address proves the cap is per share.
	other := w.share(nil)
	n.must(200, "GET", "/s/"+other.ID, "", nil, "User-Agent", wechatDroidUA)
	for i := 0; i < 50; i++ {
		ua := strings.Replace(iPhoneSafariUA, "17_4", fmt.Sprintf("17_%d", i+10), 1)
		n.must(200, "GET", page, "", nil, "User-Agent", ua)
	}
	if v := w.shareViews(s.ID); v != 3 {
		t.Errorf("views = %d after 50 user agents from one address, want the cap of 3", v)
	}
	if v := w.shareViews(other.ID); v != 1 {
		t.Errorf("views of another share from the same address = %d, want 1 (WeChat on Android)", v)
	}
}

// TestAPI_Favicon_IsAnIcon ensures /favicon.ico, which browsers and apps
// fetch on their own, is a real ICO whose images decode at the sizes its
// directory states and show the brand's orange.
func TestAPI_Favicon_IsAnIcon(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	r := n.must(200, "GET", "/favicon.ico", "", nil)
	if ct := r.Header.Get("Content-Type"); ct != "image/x-icon" && ct != "image/vnd.microsoft.icon" {
		t.Errorf("Content-Type = %q, want an icon type", ct)
	}
	if r.Header.Get("Cache-Control") == "" {
		t.Errorf("no Cache-Control: every page load would fetch it again")
	}
	ico := r.Body
	if len(ico) < 6 || binary.LittleEndian.Uint16(ico[0:]) != 0 || binary.LittleEndian.Uint16(ico[2:]) != 1 {
		t.Fatalf("not an ICO header: % x", ico[:min(len(ico), 6)])
	}
	count := int(binary.LittleEndian.Uint16(ico[4:]))
	if count < 1 || len(ico) < 6+16*count {
		t.Fatalf("ICO directory of %d entries in %d bytes", count, len(ico))
	}
	for i := 0; i < count; i++ {
		e := ico[6+16*i:]
		w, h := int(e[0]), int(e[1])
		size, offset := binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
		if uint64(offset)+uint64(size) > uint64(len(ico)) {
			t.Fatalf("entry %d points past the end", i)
		}
		img, err := png.Decode(bytes.NewReader(ico[offset : offset+size]))
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("entry %d is %v, directory says %d×%d", i, b, w, h)
		}
		// The left edge, half-way down, is the orange background.
		cr, cg, cb, ca := img.At(1, h/2).RGBA()
		if cr>>8 < 200 || cg>>8 < 60 || cg>>8 > 150 || cb>>8 > 60 || ca>>8 < 200 {
			t.Errorf("entry %d (%d px): edge pixel = (%d,%d,%d,%d), want the brand orange", i, w, cr>>8, cg>>8, cb>>8, ca>>8)
		}
	}
}

// TestAPI_CurrentSession_AnswersSignedInOrOut ensures GET
// /v1/sessions/current, which the web app asks first, answers 200 in every
// case: signed out, signed in (with the account), and with a token or
// cookie that is no longer valid (signed out, and the cookie cleared).
func TestAPI_CurrentSession_AnswersSignedInOrOut(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	a := n.signUp("distributor", "sess_dist")
	var state struct {
		SignedIn bool `json:"signed_in"`
		Account  *struct{ ID, Handle string }
	}
	check := func(what string, r reply, signedIn bool) {
		t.Helper()
		state.SignedIn, state.Account = !signedIn, nil
		r.decode(t, &state)
		if state.SignedIn != signedIn || (state.Account != nil) != signedIn {
			t.Errorf("%s: %s, want signed_in %v with the account only when signed in", what, r.Body, signedIn)
		}
		if signedIn && state.Account.ID != a.ID {
			t.Errorf("%s: account %+v, want %s", what, state.Account, a.ID)
		}
		if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: Cache-Control %q, X-Request-Id %q", what, r.Header.Get("Cache-Control"), r.Header.Get("X-Request-Id"))
		}
	}
	check("no credentials", n.must(200, "GET", "/v1/sessions/current", "", nil), false)
	check("bearer", n.must(200, "GET", "/v1/sessions/current", a.Token, nil), true)
	check("cookie", n.must(200, "GET", "/v1/sessions/current", "", nil, "Cookie", "wg_session="+a.Token), true)
	check("unknown bearer", n.must(200, "GET", "/v1/sessions/current", "not-a-token", nil), false)
	r := n.must(200, "GET", "/v1/sessions/current", "", nil, "Cookie", "wg_session=stale-token")
	check("stale cookie", r, false)
	if c := r.Header.Get("Set-Cookie"); !strings.HasPrefix(c, "wg_session=;") {
		t.Errorf("stale cookie not cleared: Set-Cookie %q", c)
	}
	n.must(204, "DELETE", "/v1/sessions/current", a.Token, nil)
	check("after sign-out", n.must(200, "GET", "/v1/sessions/current", a.Token, nil), false)
}
