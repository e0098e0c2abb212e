package catalog

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// Scope names what an app key may do (API.md part 2, "Developers"). Every
// endpoint declares the one scope it needs (cmd/weigong/server/scopes.go);
// a key outside its scopes gets 403.
type Scope string

// The scopes of the public API.
const (
	ScopeFeedRead       Scope = "feed:read"
	ScopeCardsWrite     Scope = "cards:write"
	ScopeOrdersRead     Scope = "orders:read"
	ScopeOrdersWrite    Scope = "orders:write"
	ScopeSharesWrite    Scope = "shares:write"
	ScopeWebhooksManage Scope = "webhooks:manage"
	// ScopeAccountOnly is what an endpoint declares when no key may call
	// it: creating keys, changing the account, signing out.
	ScopeAccountOnly Scope = ""
)

// AllScopes lists every scope a key may hold, in the order API.md gives.
var AllScopes = []Scope{ScopeFeedRead, ScopeCardsWrite, ScopeOrdersRead, ScopeOrdersWrite,
	ScopeSharesWrite, ScopeWebhooksManage}

// AppKeyPrefix starts every app key, so that a key pasted in the wrong
// place is recognisable (and secret scanners can find leaked ones).
const AppKeyPrefix = "wgk_"

// Limits on app keys.
const (
	MaxAppKeys       = 20
	MaxAppKeyNameLen = 64
	// keyTouchEvery bounds how often a key's last_used_at is written: a
	// write per request would make every read an fsync.
	keyTouchEvery = time.Minute
)

// AppKey is a long-lived Bearer token an account makes for one of its
// apps. Only the hash of the key is stored; the key itself is shown once,
// when it is created.
type AppKey struct {
	ID         string
	AccountID  string
	Name       string
	Scopes     []Scope
	Hash       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// AppKeyView is an app key as the API shows it (wire.AppKey): the key
// itself only in the reply that creates it.
type AppKeyView = wire.AppKey

// View returns the key as its owner sees it, without the secret.
func (k AppKey) View() AppKeyView {
	scopes := make([]string, len(k.Scopes))
	for i, sc := range k.Scopes {
		scopes[i] = string(sc)
	}
	return AppKeyView{ID: k.ID, Name: k.Name, Scopes: scopes, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt}
}

// KeyStore keeps app keys by the hash of the key. Like sessions, keys are
// written outside a unit of work: they append nothing to the change log.
type KeyStore interface {
	CreateAppKey(ctx context.Context, k AppKey) error
	// AppKeys lists an account's keys, oldest first.
	AppKeys(ctx context.Context, accountID string) ([]AppKey, error)
	// AppKeyByHash returns the key with this hash, or NotFound.
	AppKeyByHash(ctx context.Context, hash string) (AppKey, error)
	// DeleteAppKey deletes one of the account's keys; a key of another
	// account is NotFound.
	DeleteAppKey(ctx context.Context, accountID, id string) error
	// TouchAppKey sets a key's last_used_at.
	TouchAppKey(ctx context.Context, hash string, at time.Time) error
}

// AppKeyInput is the body of POST /v1/keys (wire.AppKeyInput); its
// scopes are Scope names.
type AppKeyInput = wire.AppKeyInput

// CreateAppKey makes a key for the caller and returns it with the key
// itself, which is never shown again. Only a signed-in account may make
// keys: a key cannot make keys (the scope table says so, and this checks
// it again, so no route can forget).
func (s *Service) CreateAppKey(ctx context.Context, caller Account, sess Session, in AppKeyInput) (AppKeyView, error) {
	if sess.KeyID != "" {
		return AppKeyView{}, Errorf(Forbidden, "an app key cannot create app keys")
	}
	if err := validateAppKey(in); err != nil {
		return AppKeyView{}, err
	}
	existing, err := s.Keys.AppKeys(ctx, caller.ID)
	if err != nil {
		return AppKeyView{}, err
	}
	if len(existing) >= MaxAppKeys {
		return AppKeyView{}, Errorf(Conflict, "an account has at most %d app keys; delete one first", MaxAppKeys)
	}
	token, err := NewToken()
	if err != nil {
		return AppKeyView{}, err
	}
	secret := AppKeyPrefix + token
	k := AppKey{ID: s.NewID(), AccountID: caller.ID, Name: in.Name, Scopes: normalScopes(in.Scopes),
		Hash: HashToken(secret), CreatedAt: s.Now()}
	if err := s.Keys.CreateAppKey(ctx, k); err != nil {
		return AppKeyView{}, err
	}
	v := k.View()
	v.Key = secret
	return v, nil
}

// ListAppKeys returns the caller's keys, without their secrets.
func (s *Service) ListAppKeys(ctx context.Context, caller Account) ([]AppKeyView, error) {
	keys, err := s.Keys.AppKeys(ctx, caller.ID)
	if err != nil {
		return nil, err
	}
	views := make([]AppKeyView, 0, len(keys))
	for _, k := range keys {
		views = append(views, k.View())
	}
	return views, nil
}

// DeleteAppKey revokes one of the caller's keys at once and returns its
// hash, so that the sockets it opened can be closed.
func (s *Service) DeleteAppKey(ctx context.Context, caller Account, sess Session, id string) (string, error) {
	if sess.KeyID != "" {
		return "", Errorf(Forbidden, "an app key cannot revoke app keys")
	}
	keys, err := s.Keys.AppKeys(ctx, caller.ID)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if k.ID == id {
			return k.Hash, s.Keys.DeleteAppKey(ctx, caller.ID, id)
		}
	}
	return "", Errorf(NotFound, "no such app key")
}

// authenticateKey returns the session an app key stands for.
func (s *Service) authenticateKey(ctx context.Context, key string) (Session, error) {
	k, err := s.Keys.AppKeyByHash(ctx, HashToken(key))
	if ErrorCode(err) == NotFound {
		return Session{}, Errorf(Unauthorized, "token is not valid")
	}
	if err != nil {
		return Session{}, err
	}
	now := s.Now()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= keyTouchEvery {
		if err := s.Keys.TouchAppKey(ctx, k.Hash, now); err != nil {
			return Session{}, err
		}
	}
	return k.session(), nil
}

// session is the key as a Session: it never expires, and it carries the
// key's scopes.
func (k AppKey) session() Session {
	return Session{TokenHash: k.Hash, AccountID: k.AccountID, CreatedAt: k.CreatedAt,
		ExpiresAt: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), KeyID: k.ID, Scopes: k.Scopes}
}

// Allows reports whether a request made with this session may use an
// endpoint that needs scope. A signed-in session may do anything its
// account may; a key only what its scopes say, and never an endpoint that
// declares ScopeAccountOnly.
func (s Session) Allows(scope Scope) bool {
	if s.KeyID == "" {
		return true
	}
	return scope != ScopeAccountOnly && slices.Contains(s.Scopes, scope)
}

// credential returns the session or app key with this token hash.
func (s *Service) credential(ctx context.Context, hash string) (Session, error) {
	sess, err := s.Sessions.Session(ctx, hash)
	if ErrorCode(err) != NotFound || s.Keys == nil {
		return sess, err
	}
	k, err := s.Keys.AppKeyByHash(ctx, hash)
	if err != nil {
		return Session{}, err
	}
	return k.session(), nil
}

func validateAppKey(in AppKeyInput) error {
	if err := validateText("name", in.Name, MaxAppKeyNameLen); err != nil {
		return err
	}
	if strings.TrimSpace(in.Name) == "" {
		return Errorf(Invalid, "name is required")
	}
	if len(in.Scopes) == 0 || len(in.Scopes) > 2*len(AllScopes) {
		return Errorf(Invalid, "scopes must name at least one of %s", scopeList())
	}
	for _, name := range in.Scopes {
		if sc := Scope(name); sc == ScopeAccountOnly || !slices.Contains(AllScopes, sc) {
			return Errorf(Invalid, "unknown scope; scopes are %s", scopeList())
		}
	}
	return nil
}

// normalScopes sorts scopes in AllScopes order without repeats.
func normalScopes(in []string) []Scope {
	out := make([]Scope, 0, len(in))
	for _, sc := range AllScopes {
		if slices.Contains(in, string(sc)) {
			out = append(out, sc)
		}
	}
	return out
}

func scopeList() string {
	names := make([]string, len(AllScopes))
	for i, sc := range AllScopes {
		names[i] = string(sc)
	}
	return strings.Join(names, ", ")
}
