package catalog

import (
	"context"
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// LevelRule raises a follower to Level once its completed orders with the
// supplier over the last SpendWindow reach MinSpend90d fen (API.md part 2,
// "levels by purchases").
type LevelRule = wire.LevelRule

// SpendWindow is how far back purchases count towards an earned level.
const SpendWindow = 90 * 24 * time.Hour

// validateLevelRules checks rules against the supplier's levels: each
// names a level once, with a positive amount.
func validateLevelRules(rules []LevelRule, supplier Account) error {
	if len(rules) > MaxLevels {
		return Errorf(Invalid, "level_rules has at most %d rules", MaxLevels)
	}
	seen := map[string]bool{}
	for i, r := range rules {
		if !supplier.HasLevel(r.Level) {
			return Errorf(Invalid, "level_rules[%d] names %q, which is not one of your levels", i, r.Level)
		}
		if seen[r.Level] {
			return Errorf(Invalid, "level_rules names %q twice", r.Level)
		}
		seen[r.Level] = true
		if r.MinSpend90d < 1 || r.MinSpend90d > 1000*MaxPrice {
			return Errorf(Invalid, "level_rules[%d].min_spend_90d must be a positive number of fen", i)
		}
	}
	return nil
}

// rank is a level's place among the supplier's levels, lowest first; -1
// for a level it does not have.
func (a Account) rank(level string) int {
	for i, l := range a.Levels {
		if l == level {
			return i
		}
	}
	return -1
}

// earnedLevel is the highest level whose rule spend reaches, or "".
func (a Account) earnedLevel(spend int64) string {
	best := ""
	for _, r := range a.LevelRules {
		if spend >= r.MinSpend90d && a.rank(r.Level) > a.rank(best) {
			best = r.Level
		}
	}
	return best
}

// settleLevel returns f with its levels in step with the supplier: the
// manual level one the supplier still has (the lowest otherwise), the
// earned level one it still has ("" otherwise), and Level the higher of
// the two. A follow written before levels were earned has no ManualLevel:
// its Level was set by hand.
func settleLevel(f Follow, supplier Account, earned string) Follow {
	manual := f.ManualLevel
	if manual == "" {
		manual = f.Level
	}
	f.ManualLevel = supplier.EffectiveLevel(manual)
	if !supplier.HasLevel(earned) {
		earned = ""
	}
	f.EarnedLevel = earned
	f.Level = f.ManualLevel
	if earned != "" && supplier.rank(earned) > supplier.rank(f.ManualLevel) {
		f.Level = earned
	}
	return f
}

// reassessLevel recomputes, inside tx, the level a follower has earned
// from its completed spend with the supplier over the window ending now,
// and records the follow (follow.changed, at once) when its level moved.
// Earned levels fall away as the spend falls, but never below the level
// the supplier set by hand.
func reassessLevel(tx Tx, supplierID, distributorID string, now time.Time) error {
	supplier, err := tx.Account(supplierID)
	if err != nil {
		return err
	}
	f, err := tx.Follow(supplierID, distributorID)
	if ErrorCode(err) == NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	earned := ""
	if len(supplier.LevelRules) > 0 {
		spend, err := tx.CompletedSpend(supplierID, distributorID, now.Add(-SpendWindow))
		if err != nil {
			return err
		}
		earned = supplier.earnedLevel(spend)
	}
	settled := settleLevel(f, supplier, earned)
	if settled == f {
		return nil
	}
	settled.Version++
	_, err = tx.SaveFollow(settled)
	return err
}

// ReassessLevel is reassessLevel in a unit of work of its own; the sweep
// calls it for every follow holding an earned level, so levels fall as
// purchases leave the 90-day window.
func (s *Service) ReassessLevel(ctx context.Context, supplierID, distributorID string) error {
	_, err := update(ctx, s, "", func(tx Tx) (struct{}, error) {
		return struct{}{}, reassessLevel(tx, supplierID, distributorID, s.Now())
	})
	return err
}
