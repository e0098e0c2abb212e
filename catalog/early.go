package catalog

import (
	"context"
	"time"
)

// EarlyAccess shows a card first to followers at Level or higher, for
// Hours (1..MaxEarlyHours) after it is posted (API.md part 2, "early
// access"). Until the window ends the card does not exist for anyone else,
// on any surface; at the end they get card.published, once.
type EarlyAccess struct {
	Level string
	Hours int
}

// MaxEarlyHours is the longest early-access window: a week.
const MaxEarlyHours = 168

// CardReleased is the change the server appends when an early-access
// window ends: on the wire it is card.published, for the followers below
// the early level only (the others had the card from the start).
const CardReleased ChangeKind = "card.released"

// InEarlyAccess reports whether the card is still hidden from followers
// below its early-access level.
func (c Card) InEarlyAccess() bool { return c.EarlyAccess != nil && !c.Released }

// Sees reports whether v may know the card exists: always, unless it is in
// its early-access window; then only its owner and active followers at the
// early level or above (levels ranked as the supplier lists them).
func (p Publisher) Sees(c Card, v Viewer) bool {
	if !c.InEarlyAccess() {
		return true
	}
	owner, level, ok := PriceAccess(c.SupplierID, v)
	return owner || ok && p.early(c, level)
}

// early reports whether a follower on level gets the card from the start.
func (p Publisher) early(c Card, level string) bool {
	a := Account{Levels: p.Levels}
	return a.rank(a.EffectiveLevel(level)) >= a.rank(c.EarlyAccess.Level)
}

// Delivers reports whether a card change goes to a follower on level, in
// the log and live: a card without early access, to everyone (there is no
// release change for it); an early card's own changes, to the followers at
// the early level or above, and to the others only from its release on
// (the release change, then everything after it), so each follower gets
// card.published exactly once.
func (p Publisher) Delivers(c Change, level string) bool {
	card := c.Card
	if card == nil || card.EarlyAccess == nil {
		return c.Kind != CardReleased
	}
	if p.early(*card, level) {
		return c.Kind != CardReleased
	}
	return card.Released && c.Seq >= card.ReleaseSeq
}

func validateEarlyAccess(e *EarlyAccess, supplier Account) error {
	if e == nil {
		return nil
	}
	if !supplier.HasLevel(e.Level) {
		return Errorf(Invalid, "early_access.level %q is not one of your levels", e.Level)
	}
	if e.Hours < 1 || e.Hours > MaxEarlyHours {
		return Errorf(Invalid, "early_access.hours must be between 1 and %d", MaxEarlyHours)
	}
	return nil
}

// ReleaseCard ends a card's early-access window once its time has come:
// the card becomes visible to every follower, and those below the early
// level get card.published (CardReleased) in the same unit of work. It
// does nothing to a card not due, so the releaser may call it again after
// a restart or a race.
func (s *Service) ReleaseCard(ctx context.Context, id string) error {
	_, err := update(ctx, s, "", func(tx Tx) (struct{}, error) {
		c, err := tx.Card(id)
		if err != nil || !c.InEarlyAccess() || s.Now().Before(c.ReleaseAt) {
			return struct{}{}, err
		}
		if c.Withdrawn {
			return struct{}{}, nil
		}
		c.Released = true
		_, err = tx.SaveCard(c, CardReleased)
		return struct{}{}, err
	})
	return err
}

// releaseAt is when an early card posted at t is shown to everyone.
func releaseAt(t time.Time, e *EarlyAccess) time.Time {
	return t.Add(time.Duration(e.Hours) * time.Hour)
}
