package jetstream

import (
	"encoding/json"
	"fmt"

	"github.com/weigong/weigong/catalog"
)

// Encode is the wire form of a change on the stream: the JSON of
// catalog.Change, whole. The change log's stored record (package storage)
// is not used because it holds only references (the card's ID, not the
// card); a hub needs the card and its Publisher (levels, early access) as
// the relay read them, and JSON keeps every exported field. The round trip
// is tested field by field (TestWire_EveryFieldSurvives).
func Encode(c catalog.Change) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("jetstream: encoding change %d: %w", c.Seq, err)
	}
	return b, nil
}

// Decode reads a change written by Encode. A change without a Seq or a
// kind is refused: it cannot be placed in the log's order.
func Decode(b []byte) (catalog.Change, error) {
	var c catalog.Change
	if err := json.Unmarshal(b, &c); err != nil {
		return catalog.Change{}, fmt.Errorf("jetstream: decoding a change: %w", err)
	}
	if c.Seq == 0 || c.Kind == "" {
		return catalog.Change{}, fmt.Errorf("jetstream: a change without Seq or kind (%d bytes)", len(b))
	}
	return c, nil
}
