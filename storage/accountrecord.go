package storage

import (
	"fmt"

	"github.com/weigong/weigong/catalog"
)

// accountFormat is the first byte of every stored account.
// Format 2 added the version at the end; format 1 records are still read.
const accountFormat = 2

// encodeAccount stores an account in the binary layout of codec.go. A
// replay loads the supplier of every card change it returns, and decoding
// accounts from JSON was half its cost (docs/FEED.md). The ID is the key.
func encodeAccount(a catalog.Account) []byte {
	e := &encoder{b: make([]byte, 0, 256)}
	e.b = append(e.b, accountFormat)
	e.string(string(a.Role))
	e.string(a.Handle)
	e.string(a.Name)
	e.string(a.Bio)
	e.string(a.Contact)
	e.time(a.CreatedAt)
	e.bytes(a.PasswordHash)
	e.string(string(a.FollowPolicy))
	encodeStrings(e, a.Levels)
	encodeStrings(e, a.Badges)
	encodeStrings(e, a.Guarantees)
	e.uvarint(uint64(a.Version))
	e.count(len(a.LevelRules), a.LevelRules == nil)
	for _, r := range a.LevelRules {
		e.string(r.Level)
		e.varint(r.MinSpend90d)
	}
	encodeStrings(e, a.EarnedBadges)
	e.varint(int64(a.BadgeOrders))
	return e.b
}

// decodeAccount reads an account written by encodeAccount, copying every
// value out of b.
func decodeAccount(id string, b []byte) (catalog.Account, error) {
	if len(b) == 0 || (b[0] != accountFormat && b[0] != 1) {
		return catalog.Account{}, fmt.Errorf("storage: account %s has an unknown format", id)
	}
	d := &decoder{b: b[1:]}
	a := catalog.Account{ID: id, Role: catalog.Role(d.string()), Handle: d.string(), Name: d.string(),
		Bio: d.string(), Contact: d.string(), CreatedAt: d.time(), PasswordHash: d.bytes()}
	a.FollowPolicy = catalog.FollowPolicy(d.string())
	a.Levels, a.Badges, a.Guarantees = decodeStrings(d), decodeStrings(d), decodeStrings(d)
	a.Version = d.version(b[0] >= 2)
	if b[0] >= 2 {
		if n, ok := d.count(); ok {
			a.LevelRules = make([]catalog.LevelRule, n)
			for i := range a.LevelRules {
				a.LevelRules[i] = catalog.LevelRule{Level: d.string(), MinSpend90d: d.varint()}
			}
		}
		a.EarnedBadges = decodeStrings(d)
		a.BadgeOrders = int(d.varint())
	}
	if d.err != nil || len(d.b) != 0 {
		return catalog.Account{}, fmt.Errorf("storage: account %s: %w", id, errCorrupt)
	}
	return a, nil
}
