package feed_test

import (
	"testing"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// Ensure that a cursor parses back to the Seq it was made from.
func TestParseCursor_RoundTrip(t *testing.T) {
	log := feed.LogInfo{ID: "abc.def", Last: 1000, Horizon: 10}
	for _, seq := range []uint64{10, 11, 999, 1000} {
		got, err := feed.ParseCursor(feed.FormatCursor(log.ID, seq), log)
		if err != nil || got != seq {
			t.Errorf("seq %d: got %d, %v", seq, got, err)
		}
	}
}

// Ensure that every cursor that cannot be resumed from is a Conflict.
func TestParseCursor_Unusable(t *testing.T) {
	log := feed.LogInfo{ID: "log1", Last: 100, Horizon: 10}
	for name, cursor := range map[string]string{
		"empty":        "",
		"no separator": "log1",
		"bad number":   "log1.!!",
		"negative":     "log1.-1",
		"foreign log":  feed.FormatCursor("log2", 50),
		"beyond last":  feed.FormatCursor("log1", 101),
		"pruned":       feed.FormatCursor("log1", 9),
		"too long":     "log1." + string(make([]byte, 300)),
	} {
		if _, err := feed.ParseCursor(cursor, log); catalog.ErrorCode(err) != catalog.Conflict {
			t.Errorf("%s: got %v, want a conflict", name, err)
		}
	}
}

// Ensure that a fresh log's current cursor (Seq 0, nothing pruned) is valid.
func TestParseCursor_EmptyLog(t *testing.T) {
	log := feed.LogInfo{ID: "log1"}
	if _, err := feed.ParseCursor(feed.FormatCursor("log1", 0), log); err != nil {
		t.Fatal(err)
	}
}
