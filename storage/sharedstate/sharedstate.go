// Package sharedstate keeps in PostgreSQL the short-lived state that
// several weigong nodes must agree on and that the store does not hold
// (issue 12 §4): the rate limits' sliding one-minute windows
// (server.RateCounter) and the share pages' visitor ledger
// (share.Visitors). With it, a limit of N a minute is N across the
// cluster, and a visitor counted by one node is not counted by another.
//
// Why PostgreSQL rather than NATS KV: every question here is a
// read-modify-write that must be atomic across nodes ("count this event
// unless the window is full", "admit this visitor unless seen, and only
// if its network is under its cap"). PostgreSQL answers each in one
// round trip (a function under a per-key advisory lock for the rate
// limits, one short transaction of two upserts for a visitor), with its
// locks doing the arbitration; NATS KV
// would need a get-then-compare-and-set loop that retries under
// contention, exactly when an attacker hammers one key. PostgreSQL is
// also the one service every cluster has: the state needs no other.
//
// The tables are UNLOGGED: they are written on every counted request,
// and what they hold is worth less than the WAL and replication it would
// cost. A crash of PostgreSQL empties them (PostgreSQL truncates unlogged
// tables in crash recovery) and a standby does not have them, which
// forgets a minute of rate-limit counts or an hour of de-duplication —
// what restarting a single node forgets today. Nothing here is personal
// data: keys are SHA-256 hashes (rate limits) or the share package's
// salted hashes (visitors), whose salt never reaches the database.
//
// The schema is created at Open with CREATE … IF NOT EXISTS under an
// advisory lock, so several nodes may start at once. It belongs in the
// store's migrations once they exist.
package sharedstate

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// State is the shared state of one cluster, on one PostgreSQL database.
// It implements server.RateCounter (Allow, Exceeded) and share.Visitors
// (Admit). Make one with Open or New; it is safe for concurrent use.
type State struct {
	pool *pgxpool.Pool
	own  bool             // Close closes the pool
	now  func() time.Time // the rate windows' clock; replaceable in tests

	pruneMu    sync.Mutex
	lastPruned time.Time
}

// schema is the tables of State. The primary keys are what the upserts
// conflict on; the second indexes serve the prune.
const schema = `
DROP TABLE IF EXISTS shared_rate_windows;
CREATE UNLOGGED TABLE IF NOT EXISTS shared_rate_slots (
	limit_name text    NOT NULL,
	key_hash   bytea   NOT NULL,
	slot       bigint  NOT NULL,
	n          integer NOT NULL,
	PRIMARY KEY (limit_name, key_hash, slot)
);
CREATE INDEX IF NOT EXISTS shared_rate_slots_slot ON shared_rate_slots (slot);
-- shared_rate_allow counts one event in slot p_slot unless the slots
-- counted at p_slot (it and the p_counted - 1 before it) already hold
-- p_max; it reports whether it did. The transaction-scoped advisory lock
-- (two-key form, a key space apart from the store's one-key locks)
-- makes the sum and the insert one step for each (limit, key) across
-- every node.
CREATE OR REPLACE FUNCTION shared_rate_allow(p_limit text, p_key bytea, p_slot bigint, p_counted integer, p_max integer)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(2003791972, hashtext(p_limit || ':' || encode(p_key, 'hex')));
	IF (SELECT coalesce(sum(n), 0) FROM shared_rate_slots
	    WHERE limit_name = p_limit AND key_hash = p_key AND slot > p_slot - p_counted) >= p_max THEN
		RETURN false;
	END IF;
	INSERT INTO shared_rate_slots AS r (limit_name, key_hash, slot, n) VALUES (p_limit, p_key, p_slot, 1)
	ON CONFLICT (limit_name, key_hash, slot) DO UPDATE SET n = r.n + 1;
	RETURN true;
END $$;
CREATE UNLOGGED TABLE IF NOT EXISTS shared_view_visitors (
	visitor bytea       PRIMARY KEY,
	until   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS shared_view_visitors_until ON shared_view_visitors (until);
CREATE UNLOGGED TABLE IF NOT EXISTS shared_view_places (
	place bytea       PRIMARY KEY,
	n     integer     NOT NULL,
	until timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS shared_view_places_until ON shared_view_places (until);
`

// schemaLock is the advisory lock key under which nodes create the schema
// one at a time (concurrent CREATE TABLE IF NOT EXISTS can fail on
// PostgreSQL's catalog unique index).
const schemaLock = 0x77675f7368617265 // "wg_share"

// Open connects to the database at url (postgres://…) and creates the
// tables if they are missing.
func Open(ctx context.Context, url string) (*State, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("shared state: %w", err)
	}
	s, err := New(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.own = true
	return s, nil
}

// New uses a pool the caller opened (the store's own, typically) and
// creates the tables if they are missing; Close then leaves the pool
// open.
func New(ctx context.Context, pool *pgxpool.Pool) (*State, error) {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(schemaLock)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, schema)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("shared state: creating tables: %w", err)
	}
	return &State{pool: pool, now: time.Now}, nil
}

// SetClock replaces the wall clock of the rate windows, for tests that
// move time instead of waiting (call it before the first use).
func (s *State) SetClock(now func() time.Time) { s.now = now }

// Close closes the pool if Open made it.
func (s *State) Close() {
	if s.own {
		s.pool.Close()
	}
}

// Allow implements server.RateCounter with server's sliding windows:
// one call of shared_rate_allow, which counts the event in the current
// six-second slot unless the key's last 11 slots already hold perMinute.
// Slots are numbered from the nodes' clocks (kept by NTP), so every node
// counts into the same rows.
func (s *State) Allow(ctx context.Context, limit, key string, perMinute int) (bool, error) {
	if perMinute < 1 {
		return false, nil
	}
	now := s.now()
	s.maybePrune(ctx, now)
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT shared_rate_allow($1, $2, $3, $4, $5)`,
		limit, keyHash(key), rateSlot(now), rateSlotsCounted, perMinute).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("rate limit %s: %w", limit, err)
	}
	return ok, nil
}

// Exceeded implements server.RateCounter.
func (s *State) Exceeded(ctx context.Context, limit, key string, perMinute int) (bool, error) {
	var n int
	err := s.pool.QueryRow(ctx, `
		SELECT coalesce(sum(n), 0) FROM shared_rate_slots WHERE limit_name = $1 AND key_hash = $2 AND slot > $3`,
		limit, keyHash(key), rateSlot(s.now())-rateSlotsCounted).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("rate limit %s: %w", limit, err)
	}
	return n >= perMinute, nil
}

// The sliding windows of server.RateSlot and server.RateSlotsCounted
// (this package does not import the HTTP server; the test checks the
// two agree): six-second slots, an event counting for the slot it fell
// in and the ten after it.
const (
	rateSlotLength   = 6 * time.Second
	rateSlotsCounted = 11
)

// rateSlot is the number of the slot that holds t.
func rateSlot(t time.Time) int64 { return t.UnixNano() / int64(rateSlotLength) }

// keyHash hides a rate limit's key (an IP address, a handle, an account
// ID) and bounds its size, whatever the client sent.
func keyHash(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:16]
}

// errRefused rolls back Admit's transaction when the network's cap
// refuses a visitor already written.
var errRefused = errors.New("refused")

// Admit implements share.Visitors in one transaction: the visitor's row
// is inserted, or renewed if its window has ended (else it was seen: not
// admitted); then the network's row counts one more, or starts a new
// window, unless it is full, in which case the transaction rolls back so
// the refused visitor is not remembered. Two nodes admitting one visitor
// at once serialise on its row: the second sees the first's and refuses.
func (s *State) Admit(ctx context.Context, visitor, place [16]byte, now time.Time, window time.Duration, max int) (bool, error) {
	s.maybePrune(ctx, now)
	until := now.Add(window)
	admitted := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			INSERT INTO shared_view_visitors AS v (visitor, until) VALUES ($1, $2)
			ON CONFLICT (visitor) DO UPDATE SET until = EXCLUDED.until WHERE v.until <= $3`,
			visitor[:], until, now)
		if err != nil || tag.RowsAffected() == 0 {
			return err // seen in this window: nothing written
		}
		tag, err = tx.Exec(ctx, `
			INSERT INTO shared_view_places AS p (place, n, until) VALUES ($1, 1, $2)
			ON CONFLICT (place) DO UPDATE SET
				n     = CASE WHEN p.until <= $3 THEN 1 ELSE p.n + 1 END,
				until = CASE WHEN p.until <= $3 THEN EXCLUDED.until ELSE p.until END
			WHERE p.until <= $3 OR p.n < $4`,
			place[:], until, now, max)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errRefused
		}
		admitted = true
		return nil
	})
	if errors.Is(err, errRefused) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("share visitors: %w", err)
	}
	return admitted, nil
}

// maybePrune deletes, at most once a minute per State, the rows whose
// windows have ended, so the tables hold about one window's worth. It
// runs on the request that finds it due; a failure is left to the next.
func (s *State) maybePrune(ctx context.Context, now time.Time) {
	if !s.pruneMu.TryLock() {
		return
	}
	defer s.pruneMu.Unlock()
	if now.Sub(s.lastPruned) < time.Minute {
		return
	}
	s.lastPruned = now
	_ = s.Prune(ctx, now)
}

// Prune deletes the rate slots that no longer count at now and the
// visitors and networks whose windows have ended.
func (s *State) Prune(ctx context.Context, now time.Time) error {
	batch := &pgx.Batch{}
	batch.Queue(`DELETE FROM shared_rate_slots WHERE slot <= $1`, rateSlot(now)-rateSlotsCounted)
	batch.Queue(`DELETE FROM shared_view_visitors WHERE until <= $1`, now)
	batch.Queue(`DELETE FROM shared_view_places WHERE until <= $1`, now)
	return s.pool.SendBatch(ctx, batch).Close()
}
