package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/weigong/weigong/catalog"
)

// Keys in bMeta for the search index.
var (
	// keySearchVersion is the catalog.SearchTokensVersion the index was
	// built with; absent before the index existed.
	keySearchVersion = []byte("search_version")
	// keySearchBuilt is the last bSupplierCards key a rebuild has indexed,
	// while one is under way, so that a rebuild cut short carries on.
	keySearchBuilt = []byte("search_built")
)

// searchBuildChunk is how many cards one rebuild transaction indexes: it
// bounds the memory of one transaction and the work a crash can undo.
const searchBuildChunk = 2000

// buildSearchIndex brings the search index up to the tokenizer of this
// build when the file was made before the index existed or under other
// token rules: it indexes every live card again, a chunk per transaction,
// before the database is used (Open calls it, so no write can interleave).
func (db *DB) buildSearchIndex() error {
	var from []byte
	err := db.kv.update(context.Background(), func(tx kvTx) error {
		meta := tx.Bucket(bMeta)
		if string(meta.Get(keySearchVersion)) == catalog.SearchTokensVersion {
			return nil
		}
		if built := meta.Get(keySearchBuilt); len(built) > 0 {
			from = clone(built[1:])
			return nil
		}
		if err := tx.DeleteBucket(bSearch); err != nil && !errors.Is(err, errBucketNotFound) {
			return err
		}
		from = []byte{}
		return meta.Put(keySearchBuilt, builtMark(from))
	})
	if err != nil || from == nil {
		return err
	}
	for done := false; !done; {
		chunk := func(tx kvTx) error {
			var err error
			from, done, err = indexChunk(tx, from)
			return err
		}
		if err := db.kv.update(context.Background(), chunk); err != nil {
			return fmt.Errorf("building the search index: %w", err)
		}
	}
	return db.kv.update(context.Background(), func(tx kvTx) error {
		meta := tx.Bucket(bMeta)
		if err := meta.Delete(keySearchBuilt); err != nil {
			return err
		}
		return meta.Put(keySearchVersion, []byte(catalog.SearchTokensVersion))
	})
}

// builtMark is the value of keySearchBuilt: a marker byte, so that "not
// started" (no value) differs from "started, nothing indexed yet".
func builtMark(last []byte) []byte { return join([]byte{'+'}, last) }

// indexChunk indexes up to searchBuildChunk live cards after the
// bSupplierCards key from, and records how far it got. Keys run supplier
// by supplier and, within one, in card order, so each list only grows at
// its end and is written in whole blocks.
func indexChunk(tx kvTx, from []byte) (last []byte, done bool, err error) {
	index, err := tx.CreateBucketIfNotExists(bSearch)
	if err != nil {
		return nil, false, err
	}
	postings := map[string][][]byte{}
	c := tx.Bucket(bSupplierCards).Cursor()
	k, _ := c.Seek(from)
	if bytes.Equal(k, from) {
		k, _ = c.Next()
	}
	n := 0
	for ; k != nil && n < searchBuildChunk; k, _ = c.Next() {
		card, err := getCard(tx, k[idLen:])
		if err != nil {
			return nil, false, err
		}
		for _, tok := range catalog.SearchTokens(card) {
			prefix := string(postingPrefix(k[:idLen], tok))
			postings[prefix] = append(postings[prefix], clone(k[idLen:]))
		}
		last, n = clone(k), n+1
	}
	for _, prefix := range slices.Sorted(maps.Keys(postings)) {
		if err := appendPostings(index, []byte(prefix), postings[prefix]); err != nil {
			return nil, false, err
		}
	}
	if n == 0 {
		return from, true, nil
	}
	return last, k == nil, tx.Bucket(bMeta).Put(keySearchBuilt, builtMark(last))
}

// appendPostings adds ids, ascending and above every ID already in the
// list under prefix, filling the open block and sealing each one it fills.
func appendPostings(b kvBucket, prefix []byte, ids [][]byte) error {
	open := join(prefix, maxID)
	block := clone(b.Get(open))
	for _, id := range ids {
		if len(block) == searchBlockMax*idLen {
			if err := b.Put(join(prefix, block[len(block)-idLen:]), block); err != nil {
				return err
			}
			block = nil
		}
		block = append(block, id...)
	}
	return b.Put(open, block)
}
