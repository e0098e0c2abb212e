package catalog

import (
	"context"
	"strings"

	"github.com/weigong/weigong/catalog/wire"
)

// SignUpInput is the body of POST /v1/accounts (wire.SignUp).
type SignUpInput = wire.SignUp

// SignUp creates an account and signs it in, returning its first token.
func (s *Service) SignUp(ctx context.Context, in SignUpInput) (Account, string, error) {
	role := Role(in.Role)
	if role != RoleSupplier && role != RoleDistributor {
		return Account{}, "", Errorf(Invalid, `role must be "supplier" or "distributor"`)
	}
	if err := ValidateHandle(in.Handle); err != nil {
		return Account{}, "", err
	}
	if err := ValidatePassword(in.Password); err != nil {
		return Account{}, "", err
	}
	if err := validateText("name", in.Name, MaxNameLen); err != nil {
		return Account{}, "", err
	}
	a := Account{ID: s.NewID(), Role: role, Handle: in.Handle, Name: in.Name, CreatedAt: s.Now()}
	if a.Name == "" {
		a.Name = a.Handle
	}
	if a.IsSupplier() {
		a.FollowPolicy, a.Levels = PolicyOpen, []string{DefaultLevel}
	}
	var err error
	s.withHashSlot(func() { a.PasswordHash, err = hashPassword(in.Password) })
	if err != nil {
		return Account{}, "", err
	}
	a.Version = 1
	token, sess, err := s.newSession(a.ID)
	if err != nil {
		return Account{}, "", err
	}
	err = s.Units.Update(ctx, func(tx Tx) error {
		if err := tx.CreateAccount(a); err != nil {
			return err
		}
		return tx.CreateSession(sess)
	})
	if err != nil {
		return Account{}, "", err
	}
	return a, token, nil
}

// errBadCredentials is the one answer to every failed sign-in, so that a
// caller cannot tell a wrong password from an unknown handle.
var errBadCredentials = Errorf(Unauthorized, "wrong handle or password")

// SignIn checks a handle and password and returns a new token.
func (s *Service) SignIn(ctx context.Context, handle, password string) (Account, string, error) {
	if len(handle) > 64 || len(password) > MaxPasswordLen {
		return Account{}, "", errBadCredentials
	}
	a, err := s.Accounts.AccountByHandle(ctx, handle)
	if ErrorCode(err) == NotFound {
		// Hash anyway so that timing does not reveal which handles exist.
		s.withHashSlot(func() { checkPassword(make([]byte, saltLen+argonKeyLen), password) })
		return Account{}, "", errBadCredentials
	}
	if err != nil {
		return Account{}, "", err
	}
	var ok bool
	s.withHashSlot(func() { ok = checkPassword(a.PasswordHash, password) })
	if !ok {
		return Account{}, "", errBadCredentials
	}
	token, sess, err := s.newSession(a.ID)
	if err != nil {
		return Account{}, "", err
	}
	if err := s.Sessions.CreateSession(ctx, sess); err != nil {
		return Account{}, "", err
	}
	return a, token, nil
}

// newSession makes a bearer token and the session that stores its hash.
func (s *Service) newSession(accountID string) (string, Session, error) {
	token, err := NewToken()
	if err != nil {
		return "", Session{}, err
	}
	now := s.Now()
	sess := Session{TokenHash: HashToken(token), AccountID: accountID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	return token, sess, nil
}

// Authenticate returns the account and session of a bearer token.
func (s *Service) Authenticate(ctx context.Context, token string) (Account, Session, error) {
	if token == "" || len(token) > 128 {
		return Account{}, Session{}, Errorf(Unauthorized, "missing or malformed token")
	}
	if strings.HasPrefix(token, AppKeyPrefix) && s.Keys != nil {
		sess, err := s.authenticateKey(ctx, token)
		if err != nil {
			return Account{}, Session{}, err
		}
		return s.sessionAccount(ctx, sess)
	}
	sess, err := s.Sessions.Session(ctx, HashToken(token))
	if ErrorCode(err) == NotFound || (err == nil && (sess.Ticket || !s.Now().Before(sess.ExpiresAt))) {
		return Account{}, Session{}, Errorf(Unauthorized, "token is not valid")
	}
	if err != nil {
		return Account{}, Session{}, err
	}
	return s.sessionAccount(ctx, sess)
}

// sessionAccount returns the account a valid session or key stands for.
func (s *Service) sessionAccount(ctx context.Context, sess Session) (Account, Session, error) {
	a, err := s.Accounts.Account(ctx, sess.AccountID)
	if ErrorCode(err) == NotFound {
		return Account{}, Session{}, Errorf(Unauthorized, "token is not valid")
	}
	return a, sess, err
}

// SessionValid reports whether the session or app key with this token
// hash still exists; open websockets use it to notice revocation.
func (s *Service) SessionValid(ctx context.Context, tokenHash string) (bool, error) {
	sess, err := s.credential(ctx, tokenHash)
	if ErrorCode(err) == NotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.Now().Before(sess.ExpiresAt), nil
}

// SignOut revokes a token. Revoking an unknown token is not an error.
func (s *Service) SignOut(ctx context.Context, tokenHash string) error {
	err := s.Sessions.DeleteSession(ctx, tokenHash)
	if ErrorCode(err) == NotFound {
		return nil
	}
	return err
}

// requireRole returns Forbidden unless the account has the given role.
func requireRole(a Account, role Role) error {
	if a.Role != role {
		return Errorf(Forbidden, "only a %s may do this", role)
	}
	return nil
}
