package storage

import (
	"testing"
	"time"
)

// TestFollowRecord_RoundTrip ensures the binary follow layout reads back
// what was written, that JSON records from before it are still read, and
// that truncated records are refused rather than misread.
func TestFollowRecord_RoundTrip(t *testing.T) {
	r := followRecord{State: "active", Level: "gold", Since: time.Unix(1700000000, 123).UTC()}
	got, err := decodeFollow(encodeFollow(r))
	if err != nil || got.State != r.State || got.Level != r.Level || !got.Since.Equal(r.Since) {
		t.Fatalf("round trip = %+v, %v; want %+v", got, err, r)
	}
	old, err := decodeFollow([]byte(`{"state":"pending","level":"standard","since":"2026-01-02T03:04:05Z"}`))
	if err != nil || old.State != "pending" || old.Level != "standard" {
		t.Fatalf("JSON record = %+v, %v", old, err)
	}
	enc := encodeFollow(r)
	for n := 0; n < len(enc); n++ {
		if _, err := decodeFollow(enc[:n]); err == nil {
			t.Fatalf("truncated record of %d bytes decoded without error", n)
		}
	}
}
