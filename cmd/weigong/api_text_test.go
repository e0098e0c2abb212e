package main

import (
	"image/color"
	"strings"
	"testing"
)

// TestAPI_Text_RefusesControls ensures every route that takes free text
// answers 400 "invalid" naming the field when the text hides a control
// character or a bidi override (here an ESC, which starts terminal escape
// sequences, and U+202E, which reverses what a buyer reads), and still
// takes newlines and tabs.
func TestAPI_Text_RefusesControls(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	w := newShareWorld(t, n, "ctl", nil)
	img := n.uploadImage(w.sup.Token, color.RGBA{1, 2, 3, 255})
	card := func(k, v string) map[string]any {
		b := map[string]any{"title": "Scarf", "description": "soft", "image_ids": []string{img}, "cost_price": 100, "retail_price": 200}
		b[k] = v
		return b
	}
	for _, bad := range []string{"\x1b[2J", "\u202e"} {
		cases := []struct {
			field, method, path, token string
			body                       any
		}{
			{"handle", "POST", "/v1/accounts", "", map[string]string{"role": "distributor", "handle": "ctl" + bad, "password": "password123"}},
			{"name", "POST", "/v1/accounts", "", map[string]string{"role": "distributor", "handle": "ctl_new", "password": "password123", "name": "Lily" + bad}},
			{"name", "PATCH", "/v1/me", w.dist.Token, map[string]string{"name": "Lily" + bad}},
			{"bio", "PATCH", "/v1/me", w.sup.Token, map[string]string{"bio": "we ship" + bad}},
			{"contact", "PATCH", "/v1/me", w.sup.Token, map[string]string{"contact": "wx" + bad}},
			{"title", "POST", "/v1/cards", w.sup.Token, card("title", "Scarf"+bad)},
			{"description", "POST", "/v1/cards", w.sup.Token, card("description", "soft"+bad)},
			{"title", "PATCH", "/v1/cards/" + w.card.ID, w.sup.Token, map[string]string{"title": "Scarf" + bad}},
			{"tag", "POST", "/v1/cards", w.sup.Token, map[string]any{"title": "Scarf", "image_ids": []string{img}, "cost_price": 100, "retail_price": 200, "tags": []string{"new" + bad}}},
			{"text", "POST", "/v1/shares", w.dist.Token, map[string]string{"card_id": w.card.ID, "text": "buy now" + bad}},
		}
		for _, c := range cases {
			msg := n.mustError(400, "invalid", c.method, c.path, c.token, c.body)
			if !strings.HasPrefix(msg, c.field+" ") {
				t.Errorf("%s %s with %q in %s: message %q does not name the field", c.method, c.path, bad, c.field, msg)
			}
		}
	}
	n.must(201, "POST", "/v1/cards", w.sup.Token, card("description", "line one\n\tline two"))
	n.must(200, "PATCH", "/v1/me", w.sup.Token, map[string]string{"bio": "we ship\nfast"})
	n.must(201, "POST", "/v1/shares", w.dist.Token, map[string]string{"card_id": w.card.ID, "text": "buy\tnow\n"})
}
