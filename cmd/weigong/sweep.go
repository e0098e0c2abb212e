package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/storage"
)

// sweepEvery is how often the sweep runs.
const sweepEvery = time.Hour

// sweeper deletes what has outlived its use: expired sessions and tickets,
// idempotency records past their window, changes older than the retention
// (whose cursors then get 409 / resync), and cards withdrawn before the
// retention. Its clock is injectable, so a test can prove each rule
// without waiting.
type sweeper struct {
	db        *storage.DB
	retention time.Duration
	now       func() time.Time
	log       *slog.Logger
}

// run sweeps every sweepEvery until ctx ends.
func (s *sweeper) run(ctx context.Context) {
	t := time.NewTicker(sweepEvery)
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

// once runs every rule once. The change log is pruned before withdrawn
// cards are purged, so no change left in the log points at a purged card.
func (s *sweeper) once(ctx context.Context) {
	now := s.now()
	cutoff := now.Add(-s.retention)
	steps := []struct {
		what string
		run  func() (int, error)
	}{
		{"sessions", func() (int, error) { return s.db.PruneSessions(ctx, now) }},
		{"idempotency records", func() (int, error) { return s.db.PruneIdempotency(ctx, now.Add(-catalog.IdempotencyWindow)) }},
		{"changes", func() (int, error) { return s.db.PruneChanges(ctx, cutoff) }},
		{"withdrawn cards", func() (int, error) { return s.db.PurgeWithdrawnCards(ctx, cutoff) }},
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
