package storage

import (
	"bytes"
	"container/heap"
)

// A stream walks the keys under one prefix of a bucket in one direction.
// Feeds and replays are k-way merges of streams, one per followed source,
// all read in one transaction so that the result is a consistent snapshot.
type stream struct {
	c      kvCursor
	prefix []byte
	suffix []byte // the current key without its prefix; nil once exhausted
	desc   bool
}

func newStream(b kvBucket, prefix []byte, desc bool) *stream {
	return &stream{c: b.Cursor(), prefix: prefix, desc: desc}
}

// seekBelow positions a descending stream on its last key strictly below
// prefix+bound. Stepping back from Seek finds it; when Seek runs off the
// end of the bucket, the last key is the candidate.
func (s *stream) seekBelow(bound []byte) {
	k, _ := s.c.Seek(join(s.prefix, bound))
	if k == nil {
		k, _ = s.c.Last()
	} else {
		k, _ = s.c.Prev()
	}
	s.set(k)
}

// seekFrom positions an ascending stream on its first key at or above
// prefix+bound.
func (s *stream) seekFrom(bound []byte) {
	k, _ := s.c.Seek(join(s.prefix, bound))
	s.set(k)
}

func (s *stream) advance() {
	var k []byte
	if s.desc {
		k, _ = s.c.Prev()
	} else {
		k, _ = s.c.Next()
	}
	s.set(k)
}

func (s *stream) set(k []byte) {
	if k == nil || !bytes.HasPrefix(k, s.prefix) {
		s.suffix = nil
		return
	}
	s.suffix = k[len(s.prefix):]
}

// streamHeap orders streams by their current suffix: largest first for
// descending streams, smallest first for ascending ones.
type streamHeap []*stream

func (h streamHeap) Len() int { return len(h) }
func (h streamHeap) Less(i, j int) bool {
	c := bytes.Compare(h[i].suffix, h[j].suffix)
	if h[i].desc {
		return c > 0
	}
	return c < 0
}
func (h streamHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *streamHeap) Push(x any)   { *h = append(*h, x.(*stream)) }
func (h *streamHeap) Pop() any {
	old := *h
	s := old[len(old)-1]
	*h = old[:len(old)-1]
	return s
}

// merge takes up to limit suffixes from already positioned streams in
// merged order, copied out of the transaction. It costs O(k) to build the
// heap plus O(log k) per suffix taken.
func merge(streams []*stream, limit int) [][]byte {
	h := make(streamHeap, 0, len(streams))
	for _, s := range streams {
		if s.suffix != nil {
			h = append(h, s)
		}
	}
	heap.Init(&h)
	out := make([][]byte, 0, min(limit, 1024))
	for len(h) > 0 && len(out) < limit {
		top := h[0]
		out = append(out, clone(top.suffix))
		if top.advance(); top.suffix == nil {
			heap.Pop(&h)
		} else {
			heap.Fix(&h, 0)
		}
	}
	return out
}
