package feed

import (
	"strconv"
	"strings"

	"github.com/weigong/weigong/catalog"
)

// maxCursorLen bounds the input ParseCursor looks at, so a caller cannot
// make the server chew through an arbitrarily long query string.
const maxCursorLen = 200

// FormatCursor returns the opaque cursor that resumes right after the change
// with the given Seq in the log with the given ID. The log ID is part of the
// cursor so that a cursor from another database (a restored backup, another
// deployment) is recognised as unknown instead of silently skipping events.
func FormatCursor(logID string, seq uint64) string {
	return logID + "." + strconv.FormatUint(seq, 36)
}

// ParseCursor returns the Seq of a cursor issued by the log described by
// log. Every cursor the client cannot resume from is a Conflict, because the
// API answers all of them the same way (409, or resync on the websocket):
// refetch the feed and start again.
//
// A cursor at the Horizon is still valid: it says the client has everything
// up to Horizon, and every change after it is still in the log. Only a
// cursor below the Horizon may have missed pruned changes.
func ParseCursor(s string, log LogInfo) (uint64, error) {
	i := strings.LastIndexByte(s, '.')
	if len(s) > maxCursorLen || i < 0 {
		return 0, errUnknownCursor
	}
	if s[:i] != log.ID {
		return 0, errUnknownCursor
	}
	seq, err := strconv.ParseUint(s[i+1:], 36, 64)
	if err != nil || seq > log.Last {
		return 0, errUnknownCursor
	}
	if seq < log.Horizon {
		return 0, errExpiredCursor
	}
	return seq, nil
}

var (
	errUnknownCursor = catalog.Errorf(catalog.Conflict, "unknown cursor: refetch the feed")
	errExpiredCursor = catalog.Errorf(catalog.Conflict, "cursor is too old to resume from: refetch the feed")
)
