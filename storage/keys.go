package storage

import (
	"encoding/binary"
	"time"

	"github.com/google/uuid"
)

// idLen is the size of a UUID key. IDs are stored as their 16 raw bytes
// rather than their 36-character text so that keys are short and, for
// UUIDv7, sort by creation time.
const idLen = 16

// parseID turns an ID into its key. Only the canonical lowercase form that
// formatID (and uuid.UUID.String) writes is accepted: uuid.Parse also takes
// braces, URNs, bare hex and upper case, and letting two spellings reach
// the same record would make IDs taken from URLs ambiguous. Anything else,
// however hostile, is simply "no such ID". It is a single pass rather than
// uuid.Parse plus a check because feed reads parse every followed
// supplier's ID, thousands per request, and this halved that cost.
func parseID(s string) ([idLen]byte, bool) {
	var k [idLen]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return k, false
	}
	j := 0
	for i := 0; i < len(s); i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
		}
		hi, lo := hexDigit[s[i]], hexDigit[s[i+1]]
		if hi|lo > 0x0f {
			return [idLen]byte{}, false
		}
		k[j] = hi<<4 | lo
		j++
	}
	return k, true
}

// hexDigit maps '0'-'9' and 'a'-'f' to their values and every other byte
// to 0xff.
var hexDigit = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
	}
	return t
}()

// formatID is the inverse of parseID.
func formatID(k []byte) string {
	var u uuid.UUID
	copy(u[:], k)
	return u.String()
}

// join concatenates key parts into a new slice. Composite keys
// (supplier+card, supplier+seq, …) let one flat bucket hold an index for
// every owner: a prefix seek replaces a nested bucket per owner.
func join(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

// u64 encodes n big-endian, so that byte order is numeric order.
func u64(n uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, n)
}

// beUint64 decodes a big-endian counter written by u64.
func beUint64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// nanos encodes a time as big-endian Unix nanoseconds for time-ordered keys.
// Times before 1970 clamp to zero: they do not occur, and a negative number
// would sort after every positive one.
func nanos(t time.Time) []byte {
	n := t.UnixNano()
	if n < 0 {
		n = 0
	}
	return u64(uint64(n))
}

// fromNanos decodes a time written by nanos.
func fromNanos(b []byte) time.Time {
	return time.Unix(0, int64(beUint64(b))).UTC()
}

// maxID sorts after every real ID, so seeking to prefix+maxID and stepping
// back finds the newest entry under prefix.
var maxID = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// clone copies a byte slice out of a transaction: bbolt's slices point into
// the memory map and are invalid once the transaction ends.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
