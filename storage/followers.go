package storage

import (
	"bytes"
	"context"
	"encoding/base64"

	"github.com/weigong/weigong/catalog"
)

// Following lists every follow of a distributor, in any state, in
// supplier ID order.
func (db *DB) Following(ctx context.Context, distributorID string) ([]catalog.Follow, error) {
	dist, ok := parseID(distributorID)
	if !ok {
		return nil, notFound("distributor")
	}
	var follows []catalog.Follow
	err := db.view(ctx, func(tx kvTx) error {
		// The index value is a copy of the follow record, so a feed read
		// gets every follow in one prefix scan; index entries written
		// without one fall back to a lookup in bFollows.
		c := tx.Bucket(bFollowing).Cursor()
		for k, v := c.Seek(dist[:]); bytes.HasPrefix(k, dist[:]); k, v = c.Next() {
			sup := k[idLen:]
			r, err := followingRecord(tx, sup, dist[:], v)
			if err != nil {
				return err
			}
			follows = append(follows, r.follow(sup, dist[:]))
		}
		return nil
	})
	return follows, err
}

// followingRecord decodes v, the bFollowing index value of the follow of
// dist to sup: a copy of the follow record, or empty in entries written
// without one, which fall back to a lookup in bFollows.
func followingRecord(tx kvTx, sup, dist, v []byte) (followRecord, error) {
	if len(v) > 0 {
		return decodeFollow(v)
	}
	r, found, err := getFollow(tx, sup, dist)
	if !found {
		return r, orNotFound(err, "follow")
	}
	return r, err
}

// activeSuppliers returns the suppliers dist actively follows, in one
// prefix scan of bFollowing that reads only each follow's state
// (followIsActive), already sorted (the index is in supplier order).
func activeSuppliers(tx kvTx, dist []byte) (*supplierSet, error) {
	s := &supplierSet{sorted: true}
	c := tx.Bucket(bFollowing).Cursor()
	for k, v := c.Seek(dist); bytes.HasPrefix(k, dist); k, v = c.Next() {
		sup := k[idLen:]
		var active bool
		var err error
		if len(v) > 0 {
			active, err = followIsActive(v)
		} else {
			var r followRecord
			r, err = followingRecord(tx, sup, dist, v)
			active = r.State == string(catalog.StateActive)
		}
		if err != nil {
			return nil, err
		}
		if active {
			s.keys = append(s.keys, [idLen]byte(sup))
		}
	}
	s.set = make(map[[idLen]byte]struct{}, len(s.keys))
	for _, k := range s.keys {
		s.set[k] = struct{}{}
	}
	return s, nil
}

// followerCursorLen is since(8) + distributor(16): a followers-index key
// without its supplier and state, which is all a page needs to resume.
const followerCursorLen = 8 + idLen

// Followers lists a supplier's followers in one state, newest first, after
// the opaque cursor before ("" = from the newest). It returns the cursor of
// the next page, or "" when there is none.
func (db *DB) Followers(ctx context.Context, supplierID string, state catalog.FollowState, before string, limit int) ([]catalog.Follow, string, error) {
	sup, ok := parseID(supplierID)
	if !ok {
		return nil, "", notFound("supplier")
	}
	code, ok := stateCodes[state]
	if !ok || state == catalog.StateNone {
		return nil, "", catalog.Errorf(catalog.Invalid, "state must be active, pending or blocked")
	}
	bound, err := followerBound(before)
	if err != nil || limit <= 0 {
		return nil, "", err
	}
	var follows []catalog.Follow
	var next string
	err = db.view(ctx, func(tx kvTx) error {
		s := newStream(tx.Bucket(bFollowers), join(sup[:], []byte{code}), true)
		s.seekBelow(bound)
		suffixes := merge([]*stream{s}, limit)
		for _, suffix := range suffixes {
			dist := suffix[8:]
			r, found, err := getFollow(tx, sup[:], dist)
			if err != nil || !found {
				return orNotFound(err, "follow")
			}
			follows = append(follows, r.follow(sup[:], dist))
		}
		// The stream still has a key only if the page stopped at limit.
		if s.suffix != nil && len(suffixes) > 0 {
			next = base64.RawURLEncoding.EncodeToString(suffixes[len(suffixes)-1])
		}
		return nil
	})
	return follows, next, err
}

// followerBound decodes a followers cursor; "" pages from the newest.
func followerBound(before string) ([]byte, error) {
	if before == "" {
		return join(maxID, maxID), nil
	}
	b, err := base64.RawURLEncoding.DecodeString(before)
	if err != nil || len(b) != followerCursorLen {
		return nil, errBadCursor
	}
	return b, nil
}
