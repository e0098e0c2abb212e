package catalog

import (
	"context"
	"time"
)

// TicketTTL is how long a websocket ticket may wait to be redeemed.
const TicketTTL = 60 * time.Second

// IssueTicket returns a single-use ticket for the websocket URL, for
// browsers on other origins that cannot send an Authorization header.
func (s *Service) IssueTicket(ctx context.Context, a Account, parent Session) (string, time.Time, error) {
	ticket, err := NewToken()
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.Now()
	parentHash := parent.TokenHash
	if parent.Ticket {
		parentHash = parent.ParentHash
	}
	t := Session{TokenHash: HashToken(ticket), AccountID: a.ID, CreatedAt: now,
		ExpiresAt: now.Add(TicketTTL), Ticket: true, ParentHash: parentHash}
	return ticket, t.ExpiresAt, s.Sessions.CreateSession(ctx, t)
}

// RedeemTicket spends a ticket and returns its account and the session of
// the token it was issued for. Tickets share the session store, so the
// record's kind is checked before it is taken: taking a session token
// passed as a ticket would sign that session out. (A record never changes
// kind, so the check cannot go stale before the take.) A ticket whose
// session has ended, by sign-out or expiry, is refused.
func (s *Service) RedeemTicket(ctx context.Context, ticket string) (Account, Session, error) {
	invalid := Errorf(Unauthorized, "ticket is not valid")
	if ticket == "" || len(ticket) > 128 {
		return Account{}, Session{}, invalid
	}
	hash := HashToken(ticket)
	t, err := s.Sessions.Session(ctx, hash)
	if ErrorCode(err) == NotFound || (err == nil && !t.Ticket) {
		return Account{}, Session{}, invalid
	}
	if err != nil {
		return Account{}, Session{}, err
	}
	t, err = s.Sessions.TakeSession(ctx, hash)
	if ErrorCode(err) == NotFound || (err == nil && !s.Now().Before(t.ExpiresAt)) {
		return Account{}, Session{}, invalid
	}
	if err != nil {
		return Account{}, Session{}, err
	}
	parent, err := s.credential(ctx, t.ParentHash)
	if ErrorCode(err) == NotFound || (err == nil && !s.Now().Before(parent.ExpiresAt)) {
		return Account{}, Session{}, invalid
	}
	if err != nil {
		return Account{}, Session{}, err
	}
	a, err := s.Accounts.Account(ctx, t.AccountID)
	return a, parent, err
}
