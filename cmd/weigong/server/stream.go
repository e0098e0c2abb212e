package server

import (
	"net/http"
	"strings"

	"github.com/weigong/weigong/catalog"
)

// StreamAuth authenticates a websocket upgrade before it happens (API.md
// "Websocket protocol"): a Bearer header, a single-use ?ticket=, or the
// wg_session cookie with an Origin that passes the same check as
// cookie-authenticated HTTP writes. It returns the account and the hash of
// the session token, so the socket closes when that token is revoked.
func (s *Server) StreamAuth(r *http.Request) (catalog.Account, string, error) {
	ctx := r.Context()
	if ticket := r.URL.Query().Get("ticket"); ticket != "" {
		a, parent, err := s.catalog.RedeemTicket(ctx, ticket)
		return streamAccount(a, parent, err)
	}
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return catalog.Account{}, "", catalog.Errorf(catalog.Unauthorized, "Authorization must be a Bearer token")
		}
		return streamAccount(s.catalog.Authenticate(ctx, strings.TrimSpace(token)))
	}
	cookie, err := r.Cookie(CookieName)
	if err != nil || cookie.Value == "" {
		return catalog.Account{}, "", catalog.Errorf(catalog.Unauthorized, "sign in first")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if !s.OriginAllowed(r.Header.Get("Origin"), scheme, r.Host) {
		return catalog.Account{}, "", catalog.Errorf(catalog.Forbidden, "cross-origin websocket refused")
	}
	return streamAccount(s.catalog.Authenticate(ctx, cookie.Value))
}

// streamAccount refuses an app key without feed:read, before the upgrade.
func streamAccount(a catalog.Account, sess catalog.Session, err error) (catalog.Account, string, error) {
	if err == nil && !sess.Allows(catalog.ScopeFeedRead) {
		err = catalog.Errorf(catalog.Forbidden, "this app key lacks the scope %s", catalog.ScopeFeedRead)
	}
	if err != nil {
		return catalog.Account{}, "", err
	}
	return a, sess.TokenHash, nil
}
