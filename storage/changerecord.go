package storage

import (
	"fmt"
	"time"

	"github.com/weigong/weigong/catalog"
)

// changeRecord is one entry of the change log as stored. It is a fixed
// binary layout rather than JSON because replay scans the log and must
// decide "does this concern me?" from the raw bytes without decoding:
//
//	[0]      kind code
//	[1:17]   supplier ID
//	[17:33]  card ID (card changes) or distributor ID (follow changes)
//	[33:41]  at, Unix nanoseconds
//	follow changes only:
//	[41]     state code
//	[42:50]  since, Unix nanoseconds
//	[50:]    level
//	changes addressed to accounts (orders, after-sales, follow requests):
//	[17:33]  the order, the after-sale or (follow.requested) the distributor
//	[41:57]  the distributor the change also goes to (zeros: none)
type changeRecord struct {
	kind     catalog.ChangeKind
	supplier [idLen]byte
	subject  [idLen]byte // the card, or the distributor of a follow
	at       time.Time
	state    catalog.FollowState
	since    time.Time
	level    string
	party    [idLen]byte // the distributor of an account-addressed change
}

const (
	changeHeaderLen  = 41
	followHeaderLen  = 50
	accountHeaderLen = 57
)

var kindCodes = map[catalog.ChangeKind]byte{
	catalog.CardPublished: 1, catalog.CardUpdated: 2, catalog.CardWithdrawn: 3, catalog.FollowChanged: 4,
	catalog.OrderSubmittedChange: 5, catalog.OrderUpdatedChange: 6, catalog.AfterSaleUpdatedChange: 7,
	catalog.FollowRequested: 8, catalog.CardReleased: 9,
}

var stateCodes = map[catalog.FollowState]byte{
	catalog.StateActive: 1, catalog.StatePending: 2, catalog.StateBlocked: 3, catalog.StateNone: 4,
}

// isFollowCode reports whether a raw record is a follow change.
func isFollowCode(code byte) bool { return code == kindCodes[catalog.FollowChanged] }

// isAccountCode reports whether a raw record is addressed to accounts.
func isAccountCode(code byte) bool { return code >= 5 && code <= 8 }

func (r changeRecord) encode() []byte {
	b := make([]byte, changeHeaderLen, followHeaderLen+len(r.level))
	b[0] = kindCodes[r.kind]
	copy(b[1:17], r.supplier[:])
	copy(b[17:33], r.subject[:])
	copy(b[33:41], nanos(r.at))
	if r.kind == catalog.FollowChanged {
		b = append(b, stateCodes[r.state])
		b = append(b, nanos(r.since)...)
		b = append(b, r.level...)
	}
	if r.kind.AddressedToAccounts() {
		b = append(b, r.party[:]...)
	}
	return b
}

func decodeChange(b []byte) (changeRecord, error) {
	if len(b) < changeHeaderLen {
		return changeRecord{}, fmt.Errorf("storage: change record of %d bytes", len(b))
	}
	r := changeRecord{kind: codeName(kindCodes, b[0]), at: fromNanos(b[33:41])}
	copy(r.supplier[:], b[1:17])
	copy(r.subject[:], b[17:33])
	if r.kind == "" {
		return changeRecord{}, fmt.Errorf("storage: change record of unknown kind %d", b[0])
	}
	if r.kind.AddressedToAccounts() {
		if len(b) < accountHeaderLen {
			return changeRecord{}, fmt.Errorf("storage: %s change record of %d bytes", r.kind, len(b))
		}
		copy(r.party[:], b[41:57])
		return r, nil
	}
	if r.kind != catalog.FollowChanged {
		return r, nil
	}
	if len(b) < followHeaderLen {
		return changeRecord{}, fmt.Errorf("storage: follow change record of %d bytes", len(b))
	}
	r.state = codeName(stateCodes, b[41])
	r.since = fromNanos(b[42:50])
	r.level = string(b[50:])
	return r, nil
}

// atOf reads a raw record's time without decoding the rest.
func atOf(b []byte) time.Time { return fromNanos(b[33:41]) }

// codeName finds the name that a code stands for, or "" for an unknown one.
func codeName[T comparable](codes map[T]byte, code byte) T {
	for name, c := range codes {
		if c == code {
			return name
		}
	}
	var zero T
	return zero
}
