package storage

import (
	"bytes"
	"sort"

	"github.com/weigong/weigong/catalog"
)

// bSearch is the search index: for each supplier and each token of
// catalog.SearchTokens, the IDs of the supplier's live cards that carry the
// token (a posting list). Keys start with the supplier, so a query reads
// only the suppliers the caller follows. A list is kept in blocks of up to
// searchBlockMax IDs, sorted: one bbolt entry per card and token would cost
// about four times the space (a 16-byte element header and the repeated
// supplier and token in every key), and blocks let a reader step through
// IDs in memory.
//
// A block's key ends with its last ID, except the list's newest block
// (the open block), kept under maxID, where new cards are appended. So
// the block where an ID belongs is the first at or after prefix+ID: one
// forward Seek. Writes never step a cursor backwards: in a write
// transaction that has deleted keys, bbolt's Prev and Last do not skip the
// emptied pages (Prev returns nil too early, Last can loop for ever; only
// Next skips them, boltdb/bolt#452), which lost index entries here before
// the keys were arranged this way.
var bSearch = []byte("search") // supplier + token + 0 + last card ID or maxID → card IDs (16 bytes each, ascending)

// searchBlockMax is the most IDs one block holds: 1 KiB, so a 4 KiB page
// holds several blocks and rewriting one on each post stays cheap.
const searchBlockMax = 64

// postingPrefix is the key prefix of one supplier's posting list of token.
// Tokens never contain a zero byte (the tokenizer keeps letters and
// digits, and tag tokens drop control characters), so the 0 ends the token.
func postingPrefix(supplier []byte, token string) []byte {
	return join(supplier, []byte(token), []byte{0})
}

// reindexCard brings the index in step with a card write, inside its
// transaction: it removes the card from the lists of tokens it no longer
// carries and adds it to those it now carries. Both token lists are sorted
// (catalog.SearchTokens); a write that changes no text (stock, sold out,
// prices) touches nothing.
func reindexCard(tx kvTx, supplier, card []byte, before, after []string) error {
	b, err := tx.CreateBucketIfNotExists(bSearch)
	if err != nil {
		return err
	}
	type edit struct {
		prefix []byte
		add    bool
	}
	var edits []edit
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		switch {
		case j == len(after) || (i < len(before) && before[i] < after[j]):
			edits = append(edits, edit{postingPrefix(supplier, before[i]), false})
			i++
		case i == len(before) || after[j] < before[i]:
			edits = append(edits, edit{postingPrefix(supplier, after[j]), true})
			j++
		default:
			i, j = i+1, j+1
		}
	}
	// Each list's block is looked up before any is written: lists never
	// share keys, so one list's writes cannot move another's block, and
	// an engine that can answers all the lookups at once (seekAll).
	seeks := make([][]byte, len(edits))
	for i, e := range edits {
		seeks[i] = join(e.prefix, card)
	}
	found := seekAll(b, seeks)
	for i, e := range edits {
		key, ids := found[i].key, found[i].value
		if !isBlockKey(key, e.prefix) {
			key, ids = nil, nil
		}
		if e.add {
			err = addPostingIn(b, e.prefix, card, key, ids)
		} else {
			err = removePostingIn(b, e.prefix, card, key, ids)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// seekAll returns, for each seek key, a copy of the first key at or after
// it and its value (nil past the end): one query on an engine that can
// batch lookups (kvSeeker), one cursor Seek each on others.
func seekAll(b kvBucket, seeks [][]byte) []kvRow {
	if s, ok := b.(kvSeeker); ok {
		return s.seekAll(seeks)
	}
	out := make([]kvRow, len(seeks))
	for i, seek := range seeks {
		k, v := b.Cursor().Seek(seek)
		out[i] = kvRow{clone(k), clone(v)}
	}
	return out
}

// cardTokens returns the tokens a stored card version is indexed under
// (none for no version).
func cardTokens(c *catalog.Card) []string {
	if c == nil {
		return nil
	}
	return catalog.SearchTokens(*c)
}

// addPosting adds id to the list under prefix. New cards have the highest
// IDs, so they almost always land at the end of the open block; a full
// open block is then sealed as it is and the ID starts a new one, which
// keeps blocks packed. An insert into the middle of a full block splits
// it in two.
func addPosting(b kvBucket, prefix, id []byte) error {
	key, ids := findBlock(b, prefix, id)
	return addPostingIn(b, prefix, id, key, ids)
}

// addPostingIn is addPosting given findBlock's answer.
func addPostingIn(b kvBucket, prefix, id, key, ids []byte) error {
	if key == nil {
		return b.Put(join(prefix, maxID), clone(id))
	}
	at, found := searchIDs(ids, id)
	if found {
		return nil
	}
	n := len(ids) / idLen
	if n == searchBlockMax && at == n {
		// Only the open block can take an ID above its last one.
		if err := b.Put(join(prefix, ids[len(ids)-idLen:]), ids); err != nil {
			return err
		}
		return b.Put(key, clone(id))
	}
	ids = append(ids[:at*idLen:at*idLen], append(clone(id), ids[at*idLen:]...)...)
	if n < searchBlockMax {
		return b.Put(key, ids)
	}
	half := (n + 1) / 2 * idLen
	if err := b.Put(join(prefix, ids[half-idLen:half]), ids[:half]); err != nil {
		return err
	}
	return b.Put(key, ids[half:])
}

// removePosting removes id from the list under prefix, deleting a block
// it empties.
func removePosting(b kvBucket, prefix, id []byte) error {
	key, ids := findBlock(b, prefix, id)
	return removePostingIn(b, prefix, id, key, ids)
}

// removePostingIn is removePosting given findBlock's answer.
func removePostingIn(b kvBucket, prefix, id, key, ids []byte) error {
	if key == nil {
		return nil
	}
	at, found := searchIDs(ids, id)
	if !found {
		return nil
	}
	ids = append(ids[:at*idLen:at*idLen], ids[(at+1)*idLen:]...)
	switch {
	case len(ids) == 0:
		return b.Delete(key)
	case bytes.HasSuffix(key, maxID) || at*idLen < len(ids):
		return b.Put(key, ids)
	}
	// The sealed block's last ID went: it moves to its new last ID.
	if err := b.Delete(key); err != nil {
		return err
	}
	return b.Put(join(prefix, ids[len(ids)-idLen:]), ids)
}

// findBlock returns the key and a copy of the IDs of the block where id
// belongs: the first block under prefix whose key is at or after id. It
// returns nil when there is none (an empty list, or id above every sealed
// block and no open block).
func findBlock(b kvBucket, prefix, id []byte) (key, ids []byte) {
	k, v := b.Cursor().Seek(join(prefix, id))
	if !isBlockKey(k, prefix) {
		return nil, nil
	}
	return clone(k), clone(v)
}

// isBlockKey reports whether k is a block key of the list under prefix.
func isBlockKey(k, prefix []byte) bool {
	return len(k) == len(prefix)+idLen && bytes.HasPrefix(k, prefix)
}

// searchIDs finds id in a sorted block: its position, or where it would
// go, and whether it is there.
func searchIDs(ids, id []byte) (int, bool) {
	n := len(ids) / idLen
	at := sort.Search(n, func(i int) bool { return bytes.Compare(ids[i*idLen:(i+1)*idLen], id) >= 0 })
	return at, at < n && bytes.Equal(ids[at*idLen:(at+1)*idLen], id)
}
