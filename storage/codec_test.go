package storage

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Ensure that a card round-trips through its binary record exactly, with
// nil and empty collections, no floor and the zero time kept apart.
func TestCardRecord_RoundTrip(t *testing.T) {
	full := benchCard(newID(), newID(), base.Add(123456789*time.Nanosecond))
	full.LevelPrices["vip"] = 900
	five, zero := int64(5), int64(0)
	full.Version = 7
	full.Variants = []catalog.Variant{{Spec: "红/XL", Stock: &five}, {Spec: "蓝/M", Stock: &zero}, {Spec: "any"}}
	stocked := catalog.Card{ID: newID(), Stock: &zero, Variants: []catalog.Variant{}}
	bare := catalog.Card{ID: newID()}
	empty := catalog.Card{ID: newID(), Images: []catalog.Image{}, Tags: []string{},
		LevelPrices: map[string]int64{}, VolumePrices: []catalog.VolumePrice{}, SoldOut: true, Withdrawn: true}
	for _, c := range []catalog.Card{full, stocked, bare, empty} {
		got, err := decodeCard(c.ID, encodeCard(c))
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Fatalf("round trip = %#v, %v\nwant %#v", got, err, c)
		}
	}
}

// Ensure that damaged card records give an error, never a panic: every
// truncation, and random bit flips.
func TestCardRecord_Corrupt(t *testing.T) {
	raw := encodeCard(benchCard(newID(), newID(), base))
	for n := range len(raw) {
		if _, err := decodeCard("x", raw[:n]); err == nil {
			t.Fatalf("a record truncated to %d of %d bytes decoded", n, len(raw))
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		b := append([]byte(nil), raw...)
		for range 1 + rng.IntN(4) {
			b[rng.IntN(len(b))] ^= byte(1 << rng.IntN(8))
		}
		decodeCard("x", b) // must not panic; a flip may still decode
	}
}

// Ensure that accounts round-trip through their binary record exactly, and
// that every truncation of one is an error.
func TestAccountRecord_RoundTrip(t *testing.T) {
	full := catalog.Account{ID: newID(), Role: catalog.RoleSupplier, Handle: "factory", Name: "工厂", Bio: "b",
		Contact: "wx", CreatedAt: base, PasswordHash: []byte{0, 1, 2}, FollowPolicy: catalog.PolicyApproval,
		Levels: []string{"standard", "gold"}, Badges: []string{}, Guarantees: []string{"ship_48h"}}
	for _, a := range []catalog.Account{full, {ID: newID()}} {
		got, err := decodeAccount(a.ID, encodeAccount(a))
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Fatalf("round trip = %#v, %v\nwant %#v", got, err, a)
		}
	}
	raw := encodeAccount(full)
	for n := range len(raw) {
		if _, err := decodeAccount("x", raw[:n]); err == nil {
			t.Fatalf("an account truncated to %d of %d bytes decoded", n, len(raw))
		}
	}
}

// Ensure that change records round-trip, and that short or unknown ones
// are errors.
func TestChangeRecord_RoundTrip(t *testing.T) {
	sup, _ := parseID(newID())
	sub, _ := parseID(newID())
	for _, r := range []changeRecord{
		{kind: catalog.CardUpdated, supplier: sup, subject: sub, at: base},
		{kind: catalog.FollowChanged, supplier: sup, subject: sub, at: base, state: catalog.StateNone, since: base, level: "gold"},
	} {
		if got, err := decodeChange(r.encode()); err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("decode = %+v, %v; want %+v", got, err, r)
		}
	}
	bad := changeRecord{kind: catalog.FollowChanged, supplier: sup, subject: sub, at: base}.encode()
	for _, b := range [][]byte{nil, bad[:changeHeaderLen-1], bad[:followHeaderLen-1], append([]byte{99}, bad[1:]...)} {
		if _, err := decodeChange(b); err == nil {
			t.Fatalf("decodeChange(%x) succeeded", b)
		}
	}
}

// FuzzDecodeCard ensures that no input makes the card decoder panic.
func FuzzDecodeCard(f *testing.F) {
	f.Add(encodeCard(benchCard(newID(), newID(), base)))
	f.Add([]byte{cardFormat})
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeCard("x", b)
	})
}
