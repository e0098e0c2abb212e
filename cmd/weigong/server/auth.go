package server

import (
	"mime"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/catalog"
)

// CookieName is the web app's session cookie (API.md "Auth").
const CookieName = "wg_session"

const (
	localAccount = "account"
	localSession = "session"
)

// credentials finds the caller's token and whether it came from the
// cookie (which needs an Origin check on state-changing requests).
func credentials(c *fiber.Ctx) (token string, fromCookie bool) {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
		return "", false
	}
	return c.Cookies(CookieName), true
}

// identify authenticates the caller if it sent credentials, and stores the
// account in the context. Requests without credentials pass as anonymous;
// requests with bad credentials fail, so a client never silently loses
// its prices because of an expired token.
func (s *Server) identify(c *fiber.Ctx) error {
	token, fromCookie := credentials(c)
	if token == "" {
		if c.Get(fiber.HeaderAuthorization) != "" {
			return catalog.Errorf(catalog.Unauthorized, "Authorization must be a Bearer token")
		}
		return c.Next()
	}
	if fromCookie && !isSafeMethod(c.Method()) && !s.originAllowed(c) {
		return catalog.Errorf(catalog.Forbidden, "cross-origin request refused")
	}
	account, sess, err := s.catalog.Authenticate(c.UserContext(), token)
	if err != nil {
		if fromCookie {
			clearSessionCookie(c)
		}
		return err
	}
	if err := checkScope(c, sess); err != nil {
		return err
	}
	c.Locals(localAccount, &account)
	c.Locals(localSession, sess)
	return c.Next()
}

// sessionForm guards sign-up and sign-in, which set the session cookie,
// against login CSRF: a page on another site can make a browser post a
// form (text/plain, urlencoded or multipart, none of which needs a CORS
// preflight) and so sign its visitor into the attacker's account, whose
// activity the attacker then sees. Only application/json is accepted (a
// cross-site JSON post needs a preflight, which this server never grants),
// and an Origin, when present, must be this server's own or an allowed
// one. Apps and curl send no Origin and pass.
func (s *Server) sessionForm(c *fiber.Ctx) error {
	if c.Get(fiber.HeaderOrigin) != "" && !s.originAllowed(c) {
		return catalog.Errorf(catalog.Forbidden, "cross-origin sign-in refused")
	}
	mediaType, _, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || mediaType != fiber.MIMEApplicationJSON {
		return catalog.Errorf(catalog.UnsupportedMedia, "send the body as application/json")
	}
	return c.Next()
}

// requireAuth refuses anonymous callers.
func requireAuth(c *fiber.Ctx) error {
	if caller(c) == nil {
		return catalog.Errorf(catalog.Unauthorized, "sign in first")
	}
	return c.Next()
}

// caller returns the authenticated account, or nil for anonymous callers.
func caller(c *fiber.Ctx) *catalog.Account {
	a, _ := c.Locals(localAccount).(*catalog.Account)
	return a
}

func callerSession(c *fiber.Ctx) catalog.Session {
	s, _ := c.Locals(localSession).(catalog.Session)
	return s
}

func isSafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// originAllowed checks the Origin header against the server's own origin
// and the configured allowed origins. A missing Origin is refused: every
// browser sends one on state-changing requests and websocket upgrades.
func (s *Server) originAllowed(c *fiber.Ctx) bool {
	return s.OriginAllowed(c.Get(fiber.HeaderOrigin), c.Protocol(), c.Hostname())
}

// OriginAllowed is the Origin rule shared by HTTP requests and websocket
// upgrades: the origin must be this server's own (the configured public
// origin, or scheme://host of the request) or an allowed one.
func (s *Server) OriginAllowed(origin, scheme, host string) bool {
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	normalized := strings.ToLower(u.Scheme + "://" + u.Host)
	if s.cfg.Origin != "" && normalized == strings.ToLower(strings.TrimRight(s.cfg.Origin, "/")) {
		return true
	}
	if normalized == strings.ToLower(scheme+"://"+host) {
		return true
	}
	for _, o := range s.cfg.AllowedOrigins {
		if normalized == strings.ToLower(strings.TrimRight(o, "/")) {
			return true
		}
	}
	return false
}

func setSessionCookie(c *fiber.Ctx, token string, secure bool) {
	c.Cookie(&fiber.Cookie{Name: CookieName, Value: token, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: secure, MaxAge: int(catalog.SessionTTL.Seconds())})
}

func clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: CookieName, Value: "", Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: -1})
}
