package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/weigong/weigong/catalog"
)

// followRecord is a follow as stored; its key is supplier + distributor.
type followRecord struct {
	State string    `json:"state"`
	Level string    `json:"level"`
	Since time.Time `json:"since"`
	// Version counts the follow's writes.
	Version     int64  `json:"version,omitempty"`
	ManualLevel string `json:"manual_level,omitempty"`
	EarnedLevel string `json:"earned_level,omitempty"`
}

func (r followRecord) follow(supplier, distributor []byte) catalog.Follow {
	return catalog.Follow{SupplierID: formatID(supplier), DistributorID: formatID(distributor),
		State: catalog.FollowState(r.State), Level: r.Level, ManualLevel: r.ManualLevel, EarnedLevel: r.EarnedLevel,
		Since: r.Since, Version: r.Version}
}

// Follow returns the follow of distributorID to supplierID, or NotFound.
func (db *DB) Follow(ctx context.Context, supplierID, distributorID string) (catalog.Follow, error) {
	sup, ok1 := parseID(supplierID)
	dist, ok2 := parseID(distributorID)
	if !ok1 || !ok2 {
		return catalog.Follow{}, notFound("follow")
	}
	var f catalog.Follow
	err := db.view(ctx, func(tx kvTx) error {
		r, found, err := getFollow(tx, sup[:], dist[:])
		if !found {
			return orNotFound(err, "follow")
		}
		f = r.follow(sup[:], dist[:])
		return err
	})
	return f, err
}

// SaveFollow stores a follow in a unit of work of its own (catalog's use
// cases call Tx.SaveFollow inside theirs); tests and tools use it.
func (db *DB) SaveFollow(ctx context.Context, f catalog.Follow) (catalog.Change, error) {
	var ch catalog.Change
	err := db.Update(ctx, func(tx catalog.Tx) error {
		var err error
		ch, err = tx.SaveFollow(f)
		return err
	})
	return ch, err
}

// saveFollow stores f, or deletes it when f.State is StateNone, keeps both
// indexes in step and appends a follow.changed change.
func (db *DB) saveFollow(tx kvTx, f catalog.Follow) (catalog.Change, error) {
	sup, ok1 := parseID(f.SupplierID)
	dist, ok2 := parseID(f.DistributorID)
	if !ok1 || !ok2 {
		return catalog.Change{}, notFound("follow")
	}
	if _, ok := stateCodes[f.State]; !ok {
		return catalog.Change{}, fmt.Errorf("storage: %q is not a follow state", f.State)
	}
	old, found, err := getFollow(tx, sup[:], dist[:])
	if err != nil {
		return catalog.Change{}, err
	}
	if f.State == catalog.StateNone && !found {
		return catalog.Change{}, notFound("follow")
	}
	if found {
		if err := deleteFollow(tx, sup[:], dist[:], old); err != nil {
			return catalog.Change{}, err
		}
	}
	if f.State != catalog.StateNone {
		if err := putFollow(tx, sup[:], dist[:], f); err != nil {
			return catalog.Change{}, err
		}
	}
	at := db.now()
	seq, err := appendChange(tx, changeRecord{kind: catalog.FollowChanged, supplier: sup, subject: dist,
		at: at, state: f.State, since: f.Since, level: f.Level})
	return catalog.Change{Seq: seq, Kind: catalog.FollowChanged, SupplierID: f.SupplierID, At: at, Follow: &f}, err
}

func getFollow(tx kvTx, sup, dist []byte) (followRecord, bool, error) {
	raw := tx.Bucket(bFollows).Get(join(sup, dist))
	if raw == nil {
		return followRecord{}, false, nil
	}
	r, err := decodeFollow(raw)
	return r, true, err
}

// putFollow writes a follow and its entries in both indexes.
func putFollow(tx kvTx, sup, dist []byte, f catalog.Follow) error {
	r := followRecord{State: string(f.State), Level: f.Level, Since: f.Since, Version: f.Version,
		ManualLevel: f.ManualLevel, EarnedLevel: f.EarnedLevel}
	record := encodeFollow(r)
	if err := tx.Bucket(bFollows).Put(join(sup, dist), record); err != nil {
		return err
	}
	if err := tx.Bucket(bFollowing).Put(join(dist, sup), record); err != nil {
		return err
	}
	if err := tx.Bucket(bFollowers).Put(followersKey(sup, r, dist), nil); err != nil {
		return err
	}
	earned, err := tx.CreateBucketIfNotExists(bEarnedLevels)
	if err != nil {
		return err
	}
	if f.EarnedLevel != "" {
		return earned.Put(join(sup, dist), nil)
	}
	return earned.Delete(join(sup, dist))
}

// deleteFollow removes a follow and its entries in both indexes.
func deleteFollow(tx kvTx, sup, dist []byte, old followRecord) error {
	if b := tx.Bucket(bEarnedLevels); b != nil {
		if err := b.Delete(join(sup, dist)); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bFollowers).Delete(followersKey(sup, old, dist)); err != nil {
		return err
	}
	if err := tx.Bucket(bFollowing).Delete(join(dist, sup)); err != nil {
		return err
	}
	return tx.Bucket(bFollows).Delete(join(sup, dist))
}

// followersKey places a follow in its supplier's per-state index, ordered
// by since so that pages come newest first.
func followersKey(sup []byte, r followRecord, dist []byte) []byte {
	return join(sup, []byte{stateCodes[catalog.FollowState(r.State)]}, nanos(r.Since), dist)
}
