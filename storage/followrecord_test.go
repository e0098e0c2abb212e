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

// TestFollowIsActive ensures the feed's state-only read of a follow agrees
// with a full decode for every state and every record format, and refuses
// records too short to hold their state.
func TestFollowIsActive(t *testing.T) {
	for _, state := range []string{"active", "pending", "blocked", "act", "activex", ""} {
		r := followRecord{State: state, Level: "gold", Since: time.Unix(1700000000, 0).UTC(), Version: 3}
		enc := encodeFollow(r)
		// Format 1 ended after since: no version (3 takes one byte) and no
		// manual or earned level (one byte each when empty).
		formatOne := append([]byte{1}, enc[1:len(enc)-3]...)
		if got, err := decodeFollow(formatOne); err != nil || got.State != state {
			t.Fatalf("format 1 record = %+v, %v", got, err)
		}
		records := map[string][]byte{
			"format 2": enc,
			"format 1": formatOne,
			"json":     []byte(`{"state":"` + state + `","level":"gold","since":"2026-01-02T03:04:05Z"}`),
		}
		for name, raw := range records {
			got, err := followIsActive(raw)
			if err != nil || got != (state == "active") {
				t.Errorf("%s record of state %q: followIsActive = %v, %v; want %v", name, state, got, err, state == "active")
			}
		}
	}
	enc := encodeFollow(followRecord{State: "active"})
	for _, bad := range [][]byte{nil, {}, enc[:1], enc[:3], {9, 6, 'a'}} {
		if got, err := followIsActive(bad); err == nil || got {
			t.Errorf("followIsActive(%q) = %v, %v; want an error", bad, got, err)
		}
	}
}
