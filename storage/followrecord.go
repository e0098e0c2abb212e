package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/weigong/weigong/catalog"
)

// followFormat is the first byte of a follow stored in the binary layout.
// A feed read loads every follow of the distributor, and decoding them from
// JSON was a third of a feed read's cost at 200 follows; JSON records
// (which start with '{') are still read.
//
// Format 2 added the version at the end; format 1 records are still read.
const followFormat = 2

func encodeFollow(r followRecord) []byte {
	e := &encoder{b: make([]byte, 0, 48)}
	e.b = append(e.b, followFormat)
	e.string(r.State)
	e.string(r.Level)
	e.time(r.Since)
	e.uvarint(uint64(r.Version))
	e.string(r.ManualLevel)
	e.string(r.EarnedLevel)
	return e.b
}

func decodeFollow(b []byte) (followRecord, error) {
	var r followRecord
	if len(b) > 0 && b[0] == '{' {
		return r, json.Unmarshal(b, &r)
	}
	if len(b) == 0 || (b[0] != followFormat && b[0] != 1) {
		return r, fmt.Errorf("storage: follow has an unknown format")
	}
	d := &decoder{b: b[1:]}
	r = followRecord{State: d.string(), Level: d.string(), Since: d.time()}
	r.Version = d.version(b[0] >= 2)
	if b[0] >= 2 {
		r.ManualLevel, r.EarnedLevel = d.string(), d.string()
	}
	if d.err != nil || len(d.b) != 0 {
		return followRecord{}, fmt.Errorf("storage: follow: %w", errCorrupt)
	}
	return r, nil
}

// followIsActive reports whether a stored follow is active, reading only
// its state from a binary record: a feed read checks every follow of the
// distributor and needs the rest of only the few whose cards are on the
// page (feedPage). JSON records are decoded whole.
func followIsActive(b []byte) (bool, error) {
	if len(b) > 0 && b[0] == '{' {
		r, err := decodeFollow(b)
		return err == nil && r.State == string(catalog.StateActive), err
	}
	if len(b) == 0 || (b[0] != followFormat && b[0] != 1) {
		return false, fmt.Errorf("storage: follow has an unknown format")
	}
	n, w := binary.Uvarint(b[1:])
	if w <= 0 || n > uint64(len(b)-1-w) {
		return false, fmt.Errorf("storage: follow: %w", errCorrupt)
	}
	return string(b[1+w:1+w+int(n)]) == string(catalog.StateActive), nil
}
