package main

import (
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
