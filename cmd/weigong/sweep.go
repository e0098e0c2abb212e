package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/storage"
)

// sweepEvery is how often the sweep runs: the server's own moves on
// orders and after-sales, and badges after a change, happen within it.
// fullEvery is how often the slower passes run (every supplier measured
// as orders age out of the window; earned levels reassessed).
const (
	sweepEvery = time.Minute
	fullEvery  = time.Hour
)

// sweeper deletes what has outlived its use: expired sessions and tickets,
// idempotency records past their window, changes older than the retention
// (whose cursors then get 409 / resync), cards withdrawn before the
// retention, and webhook deliveries that finished before it. Its clock is
// injectable, so a test can prove each rule without waiting.
type sweeper struct {
	db        *storage.DB
	catalog   *catalog.Service
	retention time.Duration
	every     time.Duration
	now       func() time.Time
	log       *slog.Logger
	lastFull  time.Time
}

// run sweeps every s.every until ctx ends.
func (s *sweeper) run(ctx context.Context) {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.once(ctx)
	}
}

// sweepBatch is how many due orders or after-sales one pass reads.
const sweepBatch = 500

// advanceDue makes the server's own moves on every due order and
// after-sale (catalog.Service.AdvanceOrder, AdvanceAfterSale), each in its
// own unit of work, and returns how many it visited.
func (s *sweeper) advanceDue(ctx context.Context, now time.Time) (int, error) {
	visited := 0
	for _, kind := range []struct {
		due     func(context.Context, time.Time, int) ([]string, error)
		advance func(context.Context, string) error
	}{
		{s.db.DueOrders, s.catalog.AdvanceOrder},
		{s.db.DueAfterSales, s.catalog.AdvanceAfterSale},
	} {
		seen := map[string]bool{}
		for {
			ids, err := kind.due(ctx, now, sweepBatch)
			if err != nil {
				return visited, err
			}
			fresh := 0
			for _, id := range ids {
				if seen[id] {
					continue // due but waiting (an open after-sale holds completion back)
				}
				seen[id], fresh = true, fresh+1
				if err := kind.advance(ctx, id); err != nil {
					s.log.Error("sweep: advancing", "id", id, "err", err)
				}
			}
			visited += fresh
			if fresh == 0 || len(ids) < sweepBatch {
				break
			}
		}
	}
	return visited, nil
}

// measure recomputes the metrics and earned badges of the suppliers whose
// orders changed, and with full of every supplier measured before.
func (s *sweeper) measure(ctx context.Context, full bool) (int, error) {
	ids, err := s.db.SuppliersToMeasure(ctx, full)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if _, err := s.catalog.RemeasureSupplier(ctx, id); err != nil {
			s.log.Error("sweep: measuring a supplier", "supplier", id, "err", err)
		}
	}
	return len(ids), nil
}

// reassessLevels lets earned levels fall as purchases leave the window
// (they rise at once, when an order completes).
func (s *sweeper) reassessLevels(ctx context.Context, full bool) (int, error) {
	if !full {
		return 0, nil
	}
	pairs, err := s.db.EarnedLevelFollows(ctx)
	if err != nil {
		return 0, err
	}
	for _, p := range pairs {
		if err := s.catalog.ReassessLevel(ctx, p[0], p[1]); err != nil {
			s.log.Error("sweep: reassessing a level", "supplier", p[0], "distributor", p[1], "err", err)
		}
	}
	return len(pairs), nil
}

// once runs every rule once. The change log is pruned before withdrawn
// cards are purged, so no change left in the log points at a purged card.
func (s *sweeper) once(ctx context.Context) {
	now := s.now()
	cutoff := now.Add(-s.retention)
	full := now.Sub(s.lastFull) >= fullEvery
	if full {
		s.lastFull = now
	}
	steps := []struct {
		what string
		run  func() (int, error)
	}{
		{"due orders and after-sales", func() (int, error) { return s.advanceDue(ctx, now) }},
		{"supplier metrics", func() (int, error) { return s.measure(ctx, full) }},
		{"earned levels", func() (int, error) { return s.reassessLevels(ctx, full) }},
		{"sessions", func() (int, error) { return s.db.PruneSessions(ctx, now) }},
		{"idempotency records", func() (int, error) { return s.db.PruneIdempotency(ctx, now.Add(-catalog.IdempotencyWindow)) }},
		{"changes", func() (int, error) { return s.db.PruneChanges(ctx, cutoff) }},
		{"withdrawn cards", func() (int, error) { return s.db.PurgeWithdrawnCards(ctx, cutoff) }},
		{"webhook deliveries", func() (int, error) { return s.db.PruneDeliveries(ctx, cutoff) }},
	}
	for _, step := range steps {
		n, err := step.run()
		if err != nil {
			s.log.Error("sweep: pruning "+step.what, "err", err)
			continue
		}
		if n > 0 {
			s.log.Info("sweep: pruned "+step.what, "count", n)
		}
	}
}
