package server

import (
	"strings"
	"testing"

	"github.com/weigong/weigong/catalog"
)

// TestScopeRules_CoverEveryRoute ensures every /v1 route declares the
// app-key scope it needs, and that the table names no route that does
// not exist: a new endpoint cannot be added without deciding what a key
// may do with it.
func TestScopeRules_CoverEveryRoute(t *testing.T) {
	registered := registeredRoutes(t)
	used := make([]bool, len(scopeRules))
	for route := range registered {
		method, path, _ := strings.Cut(route, " ")
		if !strings.HasPrefix(path, "/v1/") {
			continue
		}
		concrete := templateParam.ReplaceAllString(path, "x")
		found := false
		for i, r := range scopeRules {
			if r.method == method && pathMatches(r.path, concrete) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("route %s has no entry in scopeRules", route)
		}
	}
	for i, r := range scopeRules {
		if !used[i] {
			t.Errorf("scopeRules names %s %s, which is not a registered route", r.method, r.path)
		}
	}
}

// TestRouteScope_KeysNeverManageTheAccount pins the rules API.md states in
// words: a key can never create keys or change the account.
func TestRouteScope_KeysNeverManageTheAccount(t *testing.T) {
	for _, route := range []string{"POST /v1/keys", "GET /v1/keys", "DELETE /v1/keys/x", "PATCH /v1/me",
		"DELETE /v1/sessions/current", "PATCH /v1/me/followers/x", "PUT /v1/suppliers/x/follow"} {
		method, path, _ := strings.Cut(route, " ")
		if scope, _ := RouteScope(method, path); scope != catalog.ScopeAccountOnly {
			t.Errorf("%s needs %q, want account only", route, scope)
		}
	}
	if scope, ok := RouteScope("GET", "/v1/no/such/route"); ok || scope != catalog.ScopeAccountOnly {
		t.Errorf("an unknown route is %q, %v; want closed to keys", scope, ok)
	}
}
