package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// testConcurrentWriters is the gap-safety of the change log: a reader
// that has read up to Seq n must never later find a change at or below n.
// On bbolt Seqs become visible in order by construction (one writer); a
// store whose transactions draw Seqs before they commit (a PostgreSQL
// sequence) can show a later Seq first, and these rules catch it.
func testConcurrentWriters(t *testing.T, open func(t *testing.T) *fixture) {
	t.Run("ReaderNeverSkipsALateCommit", func(t *testing.T) {
		// Unit A appends and holds its transaction open; unit B (of
		// another supplier, so that no row lock orders them) appends and
		// commits meanwhile where the store lets it; readers read the
		// log, Log().Last and a replay; then A commits. Whatever they
		// saw, A's change must not sit below it.
		f := open(t)
		sup, supB, dist := f.supplier(), f.supplier(), f.distributor()
		replay := func(after uint64) ([]catalog.Change, error) {
			return f.s.Feed.Changes(f.ctx, dist.ID, []string{sup.ID, supB.ID}, after, 100)
		}
		start := f.logInfo().Last
		appended, release := make(chan struct{}), make(chan struct{})
		var once sync.Once
		aDone := make(chan error, 1)
		go func() {
			aDone <- f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
				if _, err := publish(tx, f.newCard(sup.ID)); err != nil {
					return err
				}
				once.Do(func() { close(appended) })
				select {
				case <-release:
				case <-time.After(waitLimit):
				}
				return nil
			})
		}()
		select {
		case <-appended:
		case err := <-aDone:
			t.Fatalf("unit A ended before appending: %v", err)
		case <-time.After(waitLimit):
			t.Fatal("unit A never appended")
		}
		bDone := make(chan error, 1)
		go func() {
			bDone <- f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
				_, err := publish(tx, f.newCard(supB.ID))
				return err
			})
		}()
		// Give B the chance to commit first; a store with one writer at
		// a time holds it until A is done, which is also correct.
		bFirst := false
		select {
		case err := <-bDone:
			noErr(t, "unit B", err)
			bFirst = true
		case <-time.After(500 * time.Millisecond):
		}
		lastDuring := f.logInfo().Last
		during, err := f.s.Log.LogChanges(f.ctx, start, 100)
		noErr(t, "LogChanges while A is open", err)
		replayDuring, err := replay(start)
		noErr(t, "Changes while A is open", err)
		close(release)
		for _, done := range []chan error{aDone, bDone} {
			if done == bDone && bFirst {
				continue
			}
			select {
			case err := <-done:
				noErr(t, "unit", err)
			case <-time.After(waitLimit):
				t.Fatal("a unit never committed")
			}
		}
		all := seqs(f.logAfter(start))
		if len(all) != 2 {
			t.Fatalf("the log holds %v, want A's and B's changes", all)
		}
		seen := append(seqs(during), seqs(f.logAfter(lastOf(during, start)))...)
		if !slices.Equal(seen, all) {
			t.Errorf("a log reader saw %v (%v while A was open, B committed first: %v), the log holds %v: a change committed below a position already read",
				seen, seqs(during), bFirst, all)
		}
		replayAfter, err := replay(lastOf(replayDuring, start))
		noErr(t, "Changes", err)
		if seen := append(seqs(replayDuring), seqs(replayAfter)...); !slices.Equal(seen, all) {
			t.Errorf("a replay saw %v (%v while A was open), the log holds %v: a change committed below a cursor already handed out",
				seen, seqs(replayDuring), all)
		}
		for _, seq := range all {
			if seq <= lastDuring && !slices.Contains(seqs(during), seq) {
				t.Errorf("Log().Last was %d while A was open, but Seq %d at or below it was not yet visible (it was A's)", lastDuring, seq)
			}
		}
	})

	t.Run("ManyWritersAndTailers", func(t *testing.T) {
		manyWriters(t, open(t))
	})
}

// manyWriters runs writers committing (and rolling back) units that
// append changes while tailers read the log in small pages, as
// feed.Tailer does, and checks every tailer saw exactly the log: nothing
// lost, nothing twice, nothing appearing below its position.
func manyWriters(t *testing.T, f *fixture) {
	const writers, units, tailers = 6, 24, 3
	dist := f.distributor()
	sups := make([]catalog.Account, writers)
	for i := range sups {
		sups[i] = f.supplier()
	}
	start := f.logInfo().Last

	var mu sync.Mutex
	committed := map[string]bool{} // card IDs
	follows := 0
	var rolledBack []string
	writersDone := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sup := sups[w]
			for u := 0; u < units; u++ {
				c := f.newCard(sup.ID)
				withFollow, abort := u%3 == 0, u%5 == 4
				state := catalog.StateActive
				if u%2 == 0 {
					state = catalog.StatePending
				}
				err := f.s.Units.Update(f.ctx, func(tx catalog.Tx) error {
					if _, err := publish(tx, c); err != nil {
						return err
					}
					// A read between drawing a Seq and committing widens
					// the window in which another unit can commit first.
					if _, err := tx.Card(c.ID); err != nil {
						return err
					}
					if withFollow {
						fw := catalog.Follow{SupplierID: sup.ID, DistributorID: dist.ID, State: state,
							Level: "standard", ManualLevel: "standard", Since: base, Version: int64(u + 1)}
						if _, err := tx.SaveFollow(fw); err != nil {
							return err
						}
					}
					if abort {
						return errAbort
					}
					return nil
				})
				mu.Lock()
				switch {
				case abort && errors.Is(err, errAbort):
					rolledBack = append(rolledBack, c.ID)
				case err != nil:
					t.Errorf("writer %d unit %d: %v", w, u, err)
				default:
					committed[c.ID] = true
					if withFollow {
						follows++
					}
				}
				mu.Unlock()
			}
		}()
	}

	// Tailers of the whole log, as feed.Tailer reads it, and one of the
	// distributor's replay (feed.Store.Changes), which a reconnecting
	// client reads the same way from its cursor: here every change
	// concerns the distributor, so it must see the whole log too.
	supIDs := ids(sups, func(a catalog.Account) string { return a.ID })
	readers := make([]func(after uint64) ([]catalog.Change, error), tailers+1)
	for r := 0; r < tailers; r++ {
		readers[r] = func(after uint64) ([]catalog.Change, error) { return f.s.Log.LogChanges(f.ctx, after, 8) }
	}
	readers[tailers] = func(after uint64) ([]catalog.Change, error) {
		return f.s.Feed.Changes(f.ctx, dist.ID, supIDs, after, 8)
	}
	seen := make([][]uint64, len(readers))
	var tw sync.WaitGroup
	for r, read := range readers {
		tw.Add(1)
		go func() {
			defer tw.Done()
			seen[r] = tail(t, f, start, read, writersDone)
		}()
	}
	var marks []lastMark
	tw.Add(1)
	go func() {
		defer tw.Done()
		marks = watchLast(t, f, start, writersDone)
	}()
	wg.Wait()
	close(writersDone)
	tw.Wait()
	if t.Failed() {
		return
	}

	all := f.logAfter(start)
	cards := map[string]int{}
	nFollows := 0
	for _, c := range all {
		switch c.Kind {
		case catalog.CardPublished:
			cards[c.Card.ID]++
		case catalog.FollowChanged:
			nFollows++
		default:
			t.Errorf("unexpected change %d of kind %s", c.Seq, c.Kind)
		}
	}
	for id := range committed {
		if cards[id] != 1 {
			t.Errorf("committed card %s appears %d times in the log", id, cards[id])
		}
	}
	for _, id := range rolledBack {
		if cards[id] != 0 {
			t.Errorf("rolled-back card %s appears in the log", id)
		}
	}
	if len(cards) != len(committed) || nFollows != follows {
		t.Errorf("log holds %d cards and %d follow changes, want %d and %d", len(cards), nFollows, len(committed), follows)
	}
	want := seqs(all)
	for r, got := range seen {
		if !slices.Equal(got, want) {
			what := "log tailer"
			if r == tailers {
				what = "replay tailer"
			}
			t.Errorf("%s %d saw %d changes, the log holds %d; first difference: %s", what, r, len(got), len(want), firstDiff(got, want))
		}
	}
	for _, m := range marks {
		n := 0
		for _, seq := range want {
			if seq <= m.last {
				n++
			}
		}
		if n != m.atOrBelow {
			t.Errorf("Log().Last read %d when %d changes at or below it were visible; %d are in the end: a change below Last committed after Last was reported",
				m.last, m.atOrBelow, n)
			break
		}
	}
	if info := f.logInfo(); len(want) > 0 && info.Last != want[len(want)-1] {
		t.Errorf("Log().Last = %d, the newest change is %d", info.Last, want[len(want)-1])
	}
}

// tail reads changes with read from after, naively: it moves its
// position to the last Seq it read, as a reader trusting the log's
// promise would. It waits on Changed between reads and stops after a
// read that found nothing, begun after every writer had finished.
func tail(t *testing.T, f *fixture, after uint64, read func(after uint64) ([]catalog.Change, error), writersDone <-chan struct{}) []uint64 {
	var got []uint64
	for {
		wake := f.s.Log.Changed()
		finished := false
		select {
		case <-writersDone:
			finished = true
		default:
		}
		page, err := read(after)
		if err != nil {
			t.Errorf("reading changes: %v", err)
			return got
		}
		for _, c := range page {
			if c.Seq <= after {
				t.Errorf("LogChanges(after %d) returned Seq %d", after, c.Seq)
				return got
			}
			got, after = append(got, c.Seq), c.Seq
		}
		if len(page) > 0 {
			continue
		}
		if finished {
			return got
		}
		select {
		case <-wake:
		case <-writersDone:
		case <-time.After(waitLimit):
			t.Errorf("tailer at %d: Changed() not closed within %s while writers commit", after, waitLimit)
			return got
		}
	}
}

// firstDiff describes where two Seq lists part.
func firstDiff(got, want []uint64) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("at %d saw Seq %d, log has %d", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("one is a prefix of the other (%d vs %d)", len(got), len(want))
}

// lastMark is one reading of Log().Last and how many changes at or
// below it the log showed right after.
type lastMark struct {
	last      uint64
	atOrBelow int
}

// watchLast reads Log().Last while writers commit, and after each reading
// counts the changes at or below it. A tailer starts at Last (a live
// socket starts from "now"), so a change that commits below a Last
// already reported is one such a tailer never hands on.
func watchLast(t *testing.T, f *fixture, start uint64, writersDone <-chan struct{}) []lastMark {
	var marks []lastMark
	for len(marks) < 40 {
		wake := f.s.Log.Changed()
		select {
		case <-writersDone:
			return marks
		default:
		}
		info, err := f.s.Log.Log(f.ctx)
		if err != nil {
			t.Errorf("Log: %v", err)
			return marks
		}
		m := lastMark{last: info.Last}
		for after := start; after < info.Last; {
			page, err := f.s.Log.LogChanges(f.ctx, after, 64)
			if err != nil {
				t.Errorf("LogChanges: %v", err)
				return marks
			}
			if len(page) == 0 {
				break
			}
			for _, c := range page {
				if c.Seq <= info.Last {
					m.atOrBelow++
				}
			}
			after = page[len(page)-1].Seq
		}
		marks = append(marks, m)
		select {
		case <-wake:
		case <-writersDone:
		case <-time.After(waitLimit):
			t.Errorf("Changed() not closed within %s while writers commit", waitLimit)
			return marks
		}
	}
	return marks
}

// lastOf returns the Seq of the last change of cs, or def when cs is empty.
func lastOf(cs []catalog.Change, def uint64) uint64 {
	if len(cs) == 0 {
		return def
	}
	return cs[len(cs)-1].Seq
}
