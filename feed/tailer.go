package feed

import (
	"context"
	"log/slog"
	"time"

	"github.com/weigong/weigong/catalog"
)

// ChangeLog is the durable change log as its tailers read it (package
// storage implements it). It is the outbox of the transactional-outbox
// pattern: a use case appends its changes in its own transaction, and
// tailers hand them on after commit, so a write never waits for delivery.
type ChangeLog interface {
	// LogChanges returns, oldest first, up to limit changes with Seq >
	// after. Card changes carry the card and its Publisher as they are now.
	LogChanges(ctx context.Context, after uint64, limit int) ([]catalog.Change, error)
	// Changed returns a channel closed by the next commit that appends to
	// the log. Take it before reading, so no commit is slept through.
	Changed() <-chan struct{}
	// Log describes the log: its newest Seq and its pruning horizon.
	Log(ctx context.Context) (LogInfo, error)
}

// CursorStore keeps the positions of durable tailers.
type CursorStore interface {
	// RelayCursor returns the Seq of the last change the named tailer
	// handed on, and whether it has one.
	RelayCursor(ctx context.Context, name string) (uint64, bool, error)
	SaveRelayCursor(ctx context.Context, name string, seq uint64) error
}

// Tailing parameters.
const (
	// tailBatch is how many changes one read of the log covers.
	tailBatch = 256
	// gapWait is how long a tailer waits for a missing Seq above the
	// pruning horizon before reading again. On bbolt Seqs become visible
	// in order and a gap is only ever pruning; a store where transactions
	// commit out of Seq order (PostgreSQL) can show a later Seq first.
	gapWait = 20 * time.Millisecond
	// gapGiveUp is how long a tailer waits for a missing Seq before it
	// takes the Seq as never committed (a rolled-back transaction that had
	// drawn it) and moves on.
	gapGiveUp = 5 * time.Second
	// retryWait is the pause after a failed read of the log.
	retryWait = time.Second
)

// Tailer hands every change of the log on to Handle, once each, in Seq
// order, from its own position. One tailer per node feeds the hub (not
// durable: live sockets start from "now" and catch up by replay); each
// further consumer (webhooks, a broker publisher) is a durable tailer
// whose position is stored under Name, so that a change committed before
// a crash is handed on after it.
type Tailer struct {
	// Name identifies a durable tailer's cursor; "" makes the tailer start
	// at the log's end and keep its position in memory only.
	Name    string
	Log     ChangeLog
	Cursors CursorStore // required when Name is set
	// Handle receives each change. An error stops the batch; the change
	// is handed on again after retryWait (at least once).
	Handle func(ctx context.Context, c catalog.Change) error
	Logger *slog.Logger

	pos     uint64
	started bool
}

// Start fixes the tailer's starting position: its durable cursor, or the
// log's end. Call it before serving anything that relies on the tailer
// (the hub's tailer must start before the first websocket replays, or a
// change committed between the two would reach neither), then Run.
func (t *Tailer) Start(ctx context.Context) error {
	if t.started {
		return nil
	}
	if err := t.start(ctx); err != nil {
		return err
	}
	t.started = true
	return nil
}

// Run tails the log until ctx ends, then returns ctx's error. It calls
// Start first if it has not been called.
func (t *Tailer) Run(ctx context.Context) error {
	if err := t.Start(ctx); err != nil {
		return err
	}
	var gapSince time.Time
	for {
		wake := t.Log.Changed()
		n, gap, err := t.step(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			t.logger().Error("feed: tailing the change log", "tailer", t.Name, "after", t.pos, "err", err)
			sleep(ctx, retryWait)
			continue
		case gap && gapSince.IsZero():
			gapSince = time.Now()
		case gap && time.Since(gapSince) > gapGiveUp:
			t.logger().Warn("feed: skipping a Seq that never committed", "tailer", t.Name, "seq", t.pos+1)
			t.pos++
			gapSince = time.Time{}
			continue
		case !gap:
			gapSince = time.Time{}
		}
		if gap {
			sleep(ctx, gapWait)
			continue
		}
		if n == tailBatch {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

// Position is the Seq of the last change handed on.
func (t *Tailer) Position() uint64 { return t.pos }

// start loads a durable tailer's position, or starts at the log's end.
func (t *Tailer) start(ctx context.Context) error {
	if t.Name != "" {
		pos, found, err := t.Cursors.RelayCursor(ctx, t.Name)
		if err != nil || found {
			t.pos = pos
			return err
		}
	}
	info, err := t.Log.Log(ctx)
	t.pos = info.Last
	if err == nil && t.Name != "" {
		err = t.Cursors.SaveRelayCursor(ctx, t.Name, t.pos)
	}
	return err
}

// step hands on one batch. It reports how many changes it read, and gap
// when the next Seq is missing above the pruning horizon (not committed
// yet, or never), in which case it stopped before it.
func (t *Tailer) step(ctx context.Context) (n int, gap bool, err error) {
	changes, err := t.Log.LogChanges(ctx, t.pos, tailBatch)
	if err != nil || len(changes) == 0 {
		return 0, false, err
	}
	start := t.pos
	defer func() {
		if t.Name != "" && t.pos != start {
			// Saved even when ctx has ended, so a clean stop loses nothing.
			if serr := t.Cursors.SaveRelayCursor(context.WithoutCancel(ctx), t.Name, t.pos); serr != nil && err == nil {
				err = serr
			}
		}
	}()
	for _, c := range changes {
		if c.Seq != t.pos+1 {
			if gap, err = t.missing(ctx, c.Seq); gap || err != nil {
				return len(changes), gap, err
			}
		}
		if err := t.Handle(ctx, c); err != nil {
			return len(changes), false, err
		}
		t.pos = c.Seq
	}
	return len(changes), false, nil
}

// missing decides what a jump from pos to next means: Seqs at or below the
// pruning horizon are gone for good (the tailer was away longer than the
// retention) and are skipped with a warning; a Seq above it is a gap to
// wait for.
func (t *Tailer) missing(ctx context.Context, next uint64) (bool, error) {
	info, err := t.Log.Log(ctx)
	if err != nil {
		return false, err
	}
	if next-1 > info.Horizon {
		return true, nil
	}
	t.logger().Warn("feed: changes pruned before this tailer handed them on",
		"tailer", t.Name, "from", t.pos+1, "to", next-1)
	t.pos = next - 1
	return false, nil
}

func (t *Tailer) logger() *slog.Logger {
	if t.Logger != nil {
		return t.Logger
	}
	return slog.Default()
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}
