package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/storage"
)

// releaser ends early-access windows on time: it sleeps until the next
// window ends (at most `every`, and waking when a change is committed, in
// case a new early card ends sooner), then releases every card due
// (catalog.Service.ReleaseCard, which does nothing to a card not due). The
// agenda is in the database, so windows that ended while the node was down
// are released at start.
type releaser struct {
	db      *storage.DB
	catalog *catalog.Service
	now     func() time.Time
	every   time.Duration
	log     *slog.Logger
}

func (r *releaser) run(ctx context.Context) {
	for {
		wake := r.db.Changed()
		r.releaseDue(ctx)
		wait := r.every
		if next, ok, err := r.db.NextRelease(ctx); err == nil && ok {
			wait = min(wait, max(next.Sub(r.now()), 0))
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		case <-wake:
			timer.Stop()
		}
	}
}

func (r *releaser) releaseDue(ctx context.Context) {
	ids, err := r.db.DueReleases(ctx, r.now(), 500)
	if err != nil {
		r.log.Error("releasing early cards", "err", err)
		return
	}
	for _, id := range ids {
		if err := r.catalog.ReleaseCard(ctx, id); err != nil {
			r.log.Error("releasing an early card", "card", id, "err", err)
		}
	}
}
