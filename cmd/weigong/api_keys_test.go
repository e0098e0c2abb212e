package main

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/cmd/weigong/server"
)

// templateParamRe matches an OpenAPI path parameter such as {id}.
var templateParamRe = regexp.MustCompile(`\{[^{}]+\}`)

type appKeyReply struct {
	ID         string
	Name       string
	Scopes     []string
	Key        string
	LastUsedAt *string `json:"last_used_at"`
}

// createKey makes an app key for token's account with the given scopes.
func (n *testNode) createKey(token string, scopes ...catalog.Scope) appKeyReply {
	n.t.Helper()
	var k appKeyReply
	n.must(201, "POST", "/v1/keys", token, map[string]any{"name": "test app", "scopes": scopes}).decode(n.t, &k)
	return k
}

// TestAPI_AppKeys_Lifecycle ensures a key is shown once, stored only as a
// hash, works as a Bearer token within its scopes, records its last use,
// can neither make keys nor change the account, and dies when revoked.
func TestAPI_AppKeys_Lifecycle(t *testing.T) {
	data := t.TempDir()
	n := startNode(t, data)
	d := n.signUp("distributor", "key_owner")

	k := n.createKey(d.Token, catalog.ScopeFeedRead)
	if !strings.HasPrefix(k.Key, "wgk_") || len(k.Key) < len("wgk_")+22 {
		t.Fatalf("key %q: want wgk_ and at least 128 bits", k.Key)
	}
	if k.LastUsedAt != nil {
		t.Errorf("a new key has last_used_at %v", *k.LastUsedAt)
	}
	listed := n.must(200, "GET", "/v1/keys", d.Token, nil)
	if strings.Contains(string(listed.Body), k.Key) || !strings.Contains(string(listed.Body), k.ID) {
		t.Fatalf("GET /v1/keys must list the key without its secret: %s", listed.Body)
	}

	n.must(200, "GET", "/v1/feed", k.Key, nil)
	n.must(200, "GET", "/v1/me", k.Key, nil)
	var keys struct{ Items []appKeyReply }
	n.must(200, "GET", "/v1/keys", d.Token, nil).decode(t, &keys)
	if len(keys.Items) != 1 || keys.Items[0].LastUsedAt == nil {
		t.Errorf("after use, last_used_at must be set: %+v", keys.Items)
	}

	n.must(403, "POST", "/v1/keys", k.Key, map[string]any{"name": "x", "scopes": []string{"feed:read"}})
	n.must(403, "PATCH", "/v1/me", k.Key, map[string]any{"name": "taken over"})
	n.must(403, "DELETE", "/v1/keys/"+k.ID, k.Key, nil)
	n.must(403, "POST", "/v1/shares", k.Key, map[string]any{"card_id": "x"})

	n.must(400, "POST", "/v1/keys", d.Token, map[string]any{"name": "x", "scopes": []string{"admin"}})
	n.must(400, "POST", "/v1/keys", d.Token, map[string]any{"name": "x", "scopes": []string{}})
	n.must(400, "POST", "/v1/keys", d.Token, map[string]any{"name": "", "scopes": []string{"feed:read"}})

	other := n.signUp("distributor", "other_owner")
	n.must(404, "DELETE", "/v1/keys/"+k.ID, other.Token, nil)
	n.must(204, "DELETE", "/v1/keys/"+k.ID, d.Token, nil)
	n.must(401, "GET", "/v1/feed", k.Key, nil)

	live := n.createKey(d.Token, catalog.AllScopes...)
	n.Stop()
	raw := storeContent(t, data)
	for _, secret := range []string{k.Key, live.Key, strings.TrimPrefix(live.Key, "wgk_")} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the database file holds an app key in clear")
		}
	}
}

// TestAPI_AppKeys_ScopeMatrix walks every operation of the OpenAPI
// document with a key that holds every scope but the one the operation
// needs (or, for account-only operations, every scope): each must answer
// 403 before doing anything. The same request with a key holding just
// that scope must not be refused for its scope.
func TestAPI_AppKeys_ScopeMatrix(t *testing.T) {
	raw, err := os.ReadFile("server/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	n := startNode(t, t.TempDir())
	owner := n.signUp("distributor", "matrix_owner")
	without := map[catalog.Scope]string{}
	only := map[catalog.Scope]string{}
	for _, scope := range append([]catalog.Scope{catalog.ScopeAccountOnly}, catalog.AllScopes...) {
		var rest []catalog.Scope
		for _, s := range catalog.AllScopes {
			if s != scope {
				rest = append(rest, s)
			}
		}
		without[scope] = n.createKey(owner.Token, rest...).Key
		if scope != catalog.ScopeAccountOnly {
			only[scope] = n.createKey(owner.Token, scope).Key
		}
	}

	var ops []string
	for path, item := range doc.Paths {
		for method := range item {
			if m := strings.ToUpper(method); strings.HasPrefix(path, "/v1/") && m != "PARAMETERS" {
				ops = append(ops, m+" "+path)
			}
		}
	}
	sort.Strings(ops)
	checked := 0
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		concrete := templateParamRe.ReplaceAllString(path, "00000000-0000-7000-8000-000000000000")
		scope, known := server.RouteScope(method, concrete)
		if !known {
			t.Errorf("%s declares no scope", op)
			continue
		}
		if scope == server.PublicRoute {
			continue
		}
		var body any
		if method != "GET" && method != "DELETE" {
			body = map[string]any{}
		}
		r := n.do(method, concrete, without[scope], body)
		if r.Status != 403 || !strings.Contains(string(r.Body), "app key") {
			t.Errorf("%s with a key lacking %q = %d %s, want 403 for the scope", op, scope, r.Status, r.Body)
		}
		if scope != catalog.ScopeAccountOnly {
			r = n.do(method, concrete, only[scope], body)
			if strings.Contains(string(r.Body), "app key") {
				t.Errorf("%s with a key holding %q = %d %s, refused for its scope", op, scope, r.Status, r.Body)
			}
		}
		checked++
	}
	if checked < 40 {
		t.Fatalf("only %d operations checked; the walk is broken", checked)
	}
}
