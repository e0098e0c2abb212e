package storage

import (
	"context"
	"time"

	"github.com/weigong/weigong/catalog"
)

// sessionRecord is a session or websocket ticket as stored; the token hash
// is its key.
type sessionRecord struct {
	AccountID  string    `json:"account_id"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	Ticket     bool      `json:"ticket,omitempty"`
	ParentHash string    `json:"parent_hash,omitempty"`
}

func (r sessionRecord) session(hash string) catalog.Session {
	return catalog.Session{TokenHash: hash, AccountID: r.AccountID, CreatedAt: r.CreatedAt,
		ExpiresAt: r.ExpiresAt, Ticket: r.Ticket, ParentHash: r.ParentHash}
}

// maxTokenHashLen bounds the keys a caller can make us look up.
const maxTokenHashLen = 256

// CreateSession stores a session. Token hashes come from 256 random bits,
// so an existing one means a bug, reported as a Conflict.
func (db *DB) CreateSession(ctx context.Context, s catalog.Session) error {
	return db.update(ctx, func(tx kvTx) error { return createSession(tx, s) })
}

func createSession(tx kvTx, s catalog.Session) error {
	if s.TokenHash == "" || len(s.TokenHash) > maxTokenHashLen {
		return catalog.Errorf(catalog.Invalid, "session has no valid token hash")
	}
	r := sessionRecord{AccountID: s.AccountID, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt,
		Ticket: s.Ticket, ParentHash: s.ParentHash}
	key := []byte(s.TokenHash)
	sessions := tx.Bucket(bSessions)
	if sessions.Get(key) != nil {
		return catalog.Errorf(catalog.Conflict, "session already exists")
	}
	if err := putJSON(sessions, key, r); err != nil {
		return err
	}
	return tx.Bucket(bSessionExpiry).Put(expiryKey(r.ExpiresAt, key), nil)
}

// Session returns the session with the given token hash, expired or not:
// judging expiry is the caller's business, with its own clock.
func (db *DB) Session(ctx context.Context, tokenHash string) (catalog.Session, error) {
	var s catalog.Session
	err := db.view(ctx, func(tx kvTx) error {
		var err error
		s, err = getSession(tx, tokenHash)
		return err
	})
	return s, err
}

// DeleteSession revokes a session; an unknown one is NotFound.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return db.update(ctx, func(tx kvTx) error {
		s, err := getSession(tx, tokenHash)
		if err != nil {
			return err
		}
		return deleteSession(tx, s)
	})
}

// TakeSession returns and deletes a session in one write transaction, so
// that of several concurrent redeemers of a ticket exactly one gets it.
func (db *DB) TakeSession(ctx context.Context, tokenHash string) (catalog.Session, error) {
	var s catalog.Session
	err := db.update(ctx, func(tx kvTx) error {
		var err error
		if s, err = getSession(tx, tokenHash); err != nil {
			return err
		}
		return deleteSession(tx, s)
	})
	return s, err
}

// PruneSessions deletes sessions and tickets that expired at or before now,
// and returns how many it deleted.
func (db *DB) PruneSessions(ctx context.Context, now time.Time) (int, error) {
	return db.sweep(ctx, bSessions, bSessionExpiry, now.Add(time.Nanosecond))
}

func getSession(tx kvTx, tokenHash string) (catalog.Session, error) {
	if tokenHash == "" || len(tokenHash) > maxTokenHashLen {
		return catalog.Session{}, notFound("session")
	}
	var r sessionRecord
	if found, err := getJSON(tx.Bucket(bSessions), []byte(tokenHash), &r); !found || err != nil {
		return catalog.Session{}, orNotFound(err, "session")
	}
	return r.session(tokenHash), nil
}

func deleteSession(tx kvTx, s catalog.Session) error {
	key := []byte(s.TokenHash)
	if err := tx.Bucket(bSessionExpiry).Delete(expiryKey(s.ExpiresAt, key)); err != nil {
		return err
	}
	return tx.Bucket(bSessions).Delete(key)
}
