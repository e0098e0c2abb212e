package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
)

// scopeRule says which app-key scope one endpoint needs. Paths are
// written as in routes.go; a ":name" segment matches any one segment.
type scopeRule struct {
	method, path string
	scope        catalog.Scope
}

// scopeRules is the one table of what each /v1 endpoint lets an app key
// do (API.md part 2, "Developers"). A signed-in session may call every
// endpoint; a key only those whose scope it holds, and never those marked
// catalog.ScopeAccountOnly (keys, the profile, following, sign-out): a key
// can never create keys or change the account. PublicRoute marks the
// endpoints that read no credentials at all. Tests check that the table
// and the routes cover each other, and walk every documented route with a
// key lacking its scope.
var scopeRules = []scopeRule{
	{"GET", "/v1/openapi.json", PublicRoute},
	{"POST", "/v1/accounts", PublicRoute},
	{"POST", "/v1/sessions", PublicRoute},
	{"GET", "/v1/public/shares/:id", PublicRoute},
	{"GET", "/v1/sessions/current", catalog.ScopeFeedRead},
	{"DELETE", "/v1/sessions/current", catalog.ScopeAccountOnly},
	{"GET", "/v1/me", catalog.ScopeFeedRead},
	{"PATCH", "/v1/me", catalog.ScopeAccountOnly},

	{"POST", "/v1/images", catalog.ScopeCardsWrite},
	{"POST", "/v1/cards", catalog.ScopeCardsWrite},
	{"GET", "/v1/cards/:id", catalog.ScopeFeedRead},
	{"PATCH", "/v1/cards/:id", catalog.ScopeCardsWrite},
	{"DELETE", "/v1/cards/:id", catalog.ScopeCardsWrite},

	{"GET", "/v1/suppliers/:supplier", catalog.ScopeFeedRead},
	{"GET", "/v1/suppliers/:supplier/cards", catalog.ScopeFeedRead},
	{"GET", "/v1/suppliers/:supplier/metrics", catalog.ScopeFeedRead},
	{"PUT", "/v1/suppliers/:supplier/follow", catalog.ScopeAccountOnly},
	{"DELETE", "/v1/suppliers/:supplier/follow", catalog.ScopeAccountOnly},
	{"GET", "/v1/me/following", catalog.ScopeFeedRead},
	{"GET", "/v1/me/followers", catalog.ScopeFeedRead},
	{"PATCH", "/v1/me/followers/:distributor", catalog.ScopeAccountOnly},

	{"GET", "/v1/feed", catalog.ScopeFeedRead},
	{"GET", "/v1/search", catalog.ScopeFeedRead},
	{"GET", "/v1/feed/events", catalog.ScopeFeedRead},
	{"GET", "/v1/feed/stream", catalog.ScopeFeedRead},
	{"POST", "/v1/feed/tickets", catalog.ScopeFeedRead},

	{"POST", "/v1/shares", catalog.ScopeSharesWrite},
	{"GET", "/v1/shares", catalog.ScopeSharesWrite},
	{"DELETE", "/v1/shares/:id", catalog.ScopeSharesWrite},

	{"POST", "/v1/orders", catalog.ScopeOrdersWrite},
	{"GET", "/v1/orders", catalog.ScopeOrdersRead},
	{"GET", "/v1/orders/:id", catalog.ScopeOrdersRead},
	{"POST", "/v1/orders/:id/:move", catalog.ScopeOrdersWrite},
	{"POST", "/v1/orders/:id/cancel/:answer", catalog.ScopeOrdersWrite},
	{"GET", "/v1/aftersales", catalog.ScopeOrdersRead},
	{"GET", "/v1/aftersales/:id", catalog.ScopeOrdersRead},
	{"POST", "/v1/aftersales/:id/:move", catalog.ScopeOrdersWrite},

	{"POST", "/v1/keys", catalog.ScopeAccountOnly},
	{"GET", "/v1/keys", catalog.ScopeAccountOnly},
	{"DELETE", "/v1/keys/:id", catalog.ScopeAccountOnly},

	{"POST", "/v1/webhooks", catalog.ScopeWebhooksManage},
	{"GET", "/v1/webhooks", catalog.ScopeWebhooksManage},
	{"PATCH", "/v1/webhooks/:id", catalog.ScopeWebhooksManage},
	{"DELETE", "/v1/webhooks/:id", catalog.ScopeWebhooksManage},
	{"GET", "/v1/webhooks/:id/deliveries", catalog.ScopeWebhooksManage},
	{"POST", "/v1/webhooks/:id/deliveries/:delivery_id/retry", catalog.ScopeWebhooksManage},
	{"POST", "/v1/webhooks/:id/ping", catalog.ScopeWebhooksManage},
}

// PublicRoute marks an endpoint that reads no credentials.
const PublicRoute catalog.Scope = "public"

// RouteScope returns the scope the endpoint at method and path needs, and
// whether the table has it. An endpoint missing from the table is closed
// to keys.
func RouteScope(method, path string) (catalog.Scope, bool) {
	if method == fiber.MethodHead {
		method = fiber.MethodGet
	}
	for _, r := range scopeRules {
		if r.method == method && pathMatches(r.path, path) {
			return r.scope, true
		}
	}
	return catalog.ScopeAccountOnly, false
}

// pathMatches matches a request path against a table path whose ":name"
// segments stand for any one non-empty segment.
func pathMatches(pattern, path string) bool {
	ps, ss := strings.Split(pattern, "/"), strings.Split(strings.TrimRight(path, "/"), "/")
	if len(ps) != len(ss) {
		return false
	}
	for i, p := range ps {
		if strings.HasPrefix(p, ":") {
			if ss[i] == "" {
				return false
			}
		} else if p != ss[i] {
			return false
		}
	}
	return true
}

// checkScope refuses a request made with an app key whose scopes do not
// cover the endpoint.
func checkScope(c *fiber.Ctx, sess catalog.Session) error {
	if sess.KeyID == "" {
		return nil
	}
	scope, _ := RouteScope(c.Method(), c.Path())
	if scope == PublicRoute || sess.Allows(scope) {
		return nil
	}
	if scope == catalog.ScopeAccountOnly {
		return catalog.Errorf(catalog.Forbidden, "an app key cannot do this; sign in as the account")
	}
	return catalog.Errorf(catalog.Forbidden, "this app key lacks the scope %s", scope)
}
