package feed

import (
	"context"
	"encoding/json"

	"github.com/weigong/weigong/catalog"
)

// replayPage is how many log entries one store read of a websocket replay
// covers: large enough to amortise the read, small enough that a replay
// does not hold many encoded frames at once.
const replayPage = 200

// Resume is where a replay ended: the client has every event up to Seq,
// and Cursor is the cursor that says so.
type Resume struct {
	Seq    uint64
	Cursor string
}

// Events returns, oldest first, up to limit events of the distributor's
// feed after the cursor after, and the cursor to continue from. Without
// after it returns no events and the current cursor ("starts from now").
// An unknown or expired cursor is a Conflict.
//
// The returned cursor may be past the last returned event: it covers every
// log entry the read looked at, including those it skipped, so that a
// client whose suppliers are quiet does not keep re-reading the same range.
func (s *Service) Events(ctx context.Context, distributor catalog.Account, after string, limit int) ([]json.RawMessage, string, error) {
	if after == "" {
		r, err := s.Now(ctx)
		return []json.RawMessage{}, r.Cursor, err
	}
	sc, err := s.startScan(ctx, distributor, after)
	if err != nil {
		return nil, "", err
	}
	frames, _, err := sc.page(ctx, clampLimit(limit))
	if err != nil {
		return nil, "", err
	}
	events := make([]json.RawMessage, len(frames))
	for i, f := range frames {
		events[i] = f
	}
	return events, sc.resume().Cursor, nil
}

// Replay hands emit every event of the distributor's feed after the cursor
// after, oldest first, a page at a time, until it has caught up with the
// log; it returns where it stopped. Without after it emits nothing and
// returns the current position. An unknown or expired cursor is a Conflict.
func (s *Service) Replay(ctx context.Context, distributor catalog.Account, after string, emit func(frames [][]byte) error) (Resume, error) {
	if after == "" {
		return s.Now(ctx)
	}
	sc, err := s.startScan(ctx, distributor, after)
	if err != nil {
		return Resume{}, err
	}
	for {
		frames, done, err := sc.page(ctx, replayPage)
		if err != nil {
			return Resume{}, err
		}
		if len(frames) > 0 {
			if err := emit(frames); err != nil {
				return Resume{}, err
			}
		}
		if done {
			return sc.resume(), nil
		}
	}
}

// Now returns the current end of the log: a client that starts from here
// has, by definition, every earlier event.
func (s *Service) Now(ctx context.Context) (Resume, error) {
	info, err := s.Store.Log(ctx)
	if err != nil {
		return Resume{}, err
	}
	return Resume{Seq: info.Last, Cursor: FormatCursor(info.ID, info.Last)}, nil
}
