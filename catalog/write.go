package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Conditions are what a client may attach to a write: an Idempotency-Key
// (with the fingerprint of the request it came with) and an If-Match
// version. The HTTP layer puts them in the request's context with
// WithConditions; use cases read them there, so that every use case
// honours them the same way without a parameter on every signature.
type Conditions struct {
	// Key is the Idempotency-Key, "" for none.
	Key string
	// Fingerprint identifies the request the key came with (method, path,
	// body): the same key with a different request is a Conflict.
	Fingerprint string
	// IfMatch is the version the client expects the object to have; nil
	// for none.
	IfMatch *int64

	// Replayed is set by the use case when it answered with the result
	// stored under Key instead of doing the work again.
	Replayed bool
}

type conditionsKey struct{}

// WithConditions returns ctx carrying c for the use case it is passed to.
func WithConditions(ctx context.Context, c *Conditions) context.Context {
	return context.WithValue(ctx, conditionsKey{}, c)
}

// ConditionsFrom returns the conditions ctx carries, or nil.
func ConditionsFrom(ctx context.Context) *Conditions {
	c, _ := ctx.Value(conditionsKey{}).(*Conditions)
	return c
}

// ParseIfMatch reads an If-Match header: a version number, bare or quoted
// as an entity tag ("3", "\"3\"", "W/\"3\""). "" means none.
func ParseIfMatch(header string) (*int64, error) {
	h := strings.TrimSpace(header)
	if h == "" {
		return nil, nil
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 {
		return nil, Errorf(Invalid, "If-Match must be a version number, such as 3")
	}
	return &v, nil
}

// checkVersion enforces the request's If-Match against the object's
// current version: a mismatch is PreconditionFailed, so the client knows
// someone else changed the object since it last read it.
func checkVersion(ctx context.Context, current int64) error {
	c := ConditionsFrom(ctx)
	if c == nil || c.IfMatch == nil || *c.IfMatch == current {
		return nil
	}
	return Errorf(PreconditionFailed, "the object is at version %d, not %d: read it again", current, *c.IfMatch)
}

// IdempotencyTx is the part of a transaction that keeps idempotency
// records. catalog.Tx has it; so does every other domain's transaction
// (share.Tx), which is why Idempotent is generic over the transaction type.
type IdempotencyTx interface {
	IdempotencyRecord(accountID, key string) (IdempotencyRecord, bool, error)
	SaveIdempotencyRecord(accountID, key string, r IdempotencyRecord) error
}

// Idempotent runs one use case as one unit of work (through begin, a
// UnitOfWork's Update or its equivalent for another domain's
// transaction), guarded by the request's Idempotency-Key: the key's record
// is read, and written with the result, in the same transaction as
// everything fn writes. A retry of a committed request therefore finds the
// record and gets the first result, and a request that never committed
// left no record and runs again; no crash can fall between the two.
func Idempotent[X IdempotencyTx, T any](ctx context.Context, begin func(context.Context, func(X) error) error,
	now func() time.Time, accountID string, fn func(tx X) (T, error)) (T, error) {
	cond := ConditionsFrom(ctx)
	var out T
	if cond == nil || cond.Key == "" {
		err := begin(ctx, func(tx X) error {
			var err error
			out, err = fn(tx)
			return err
		})
		return out, err
	}
	if len(cond.Key) > MaxIdempotencyKeyLen {
		return out, Errorf(Invalid, "Idempotency-Key must be at most %d bytes", MaxIdempotencyKeyLen)
	}
	err := begin(ctx, func(tx X) error {
		out = *new(T)
		cond.Replayed = false
		replayed, err := replay(tx, now(), accountID, cond, &out)
		if err != nil || replayed {
			return err
		}
		if out, err = fn(tx); err != nil {
			return err
		}
		result, err := json.Marshal(out)
		if err != nil {
			return fmt.Errorf("catalog: encoding the result for its idempotency record: %w", err)
		}
		return tx.SaveIdempotencyRecord(accountID, cond.Key,
			IdempotencyRecord{Fingerprint: cond.Fingerprint, Result: result, CreatedAt: now()})
	})
	return out, err
}

// Replayed looks up the stored result of the request's Idempotency-Key
// before any expensive work (such as a photo upload) starts, in a
// read-only transaction opened by view. It reports true, with the first
// result in out, when the request was already done.
func Replayed[X IdempotencyTx, T any](ctx context.Context, view func(context.Context, func(X) error) error,
	now func() time.Time, accountID string, out *T) (bool, error) {
	cond := ConditionsFrom(ctx)
	if cond == nil || cond.Key == "" {
		return false, nil
	}
	var replayed bool
	err := view(ctx, func(tx X) error {
		var err error
		replayed, err = replay(tx, now(), accountID, cond, out)
		return err
	})
	return replayed, err
}

// replay decodes the stored result of cond's key into out, if the key has
// a record younger than IdempotencyWindow made by the same request.
func replay[X IdempotencyTx, T any](tx X, now time.Time, accountID string, cond *Conditions, out *T) (bool, error) {
	rec, found, err := tx.IdempotencyRecord(accountID, cond.Key)
	if err != nil || !found || now.Sub(rec.CreatedAt) >= IdempotencyWindow {
		return false, err
	}
	if rec.Fingerprint != cond.Fingerprint {
		return false, Errorf(Conflict, "this Idempotency-Key was used with a different request")
	}
	if err := json.Unmarshal(rec.Result, out); err != nil {
		return false, fmt.Errorf("catalog: decoding an idempotency record: %w", err)
	}
	cond.Replayed = true
	return true, nil
}

// update runs one of catalog's use cases as one idempotent unit of work.
func update[T any](ctx context.Context, s *Service, accountID string, fn func(tx Tx) (T, error)) (T, error) {
	return Idempotent(ctx, s.Units.Update, s.Now, accountID, fn)
}

// view runs fn in a read-only unit of work.
func view[T any](ctx context.Context, s *Service, fn func(tx Tx) (T, error)) (T, error) {
	var out T
	err := s.Units.View(ctx, func(tx Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}
