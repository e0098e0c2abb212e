package feed_test

import (
	"encoding/json"
	"testing"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// Ensure that the feed holds only actively followed suppliers' cards,
// newest first, at the distributor's own level, and pages with next.
func TestService_Feed(t *testing.T) {
	e := newEnv(t)
	a := e.world.Supplier("sup_a", "standard", "gold")
	b := e.world.Supplier("sup_b")
	d := e.world.Distributor("dist")
	e.world.Follow(a, d, catalog.StateActive, "gold")
	e.world.Follow(b, d, catalog.StatePending, "standard")
	var posted []catalog.Card
	for i := 0; i < 3; i++ {
		posted = append(posted, e.world.Post(a, 2000, map[string]int64{"gold": 1500}))
		e.world.Post(b, 2000, nil)
	}
	page, next, err := e.svc.Feed(bg, d, "", 2)
	if err != nil || len(page) != 2 || next == "" {
		t.Fatalf("page 1: %d cards, next %q, %v", len(page), next, err)
	}
	rest, next2, err := e.svc.Feed(bg, d, next, 2)
	if err != nil || len(rest) != 1 || next2 != "" {
		t.Fatalf("page 2: %d cards, next %q, %v", len(rest), next2, err)
	}
	for i, v := range append(page, rest...) {
		if want := posted[2-i].ID; v.ID != want {
			t.Errorf("card %d is %s, want %s", i, v.ID, want)
		}
		if v.Prices == nil || v.Prices.Cost != 1500 || v.CostPrice != nil || v.LevelPrices != nil {
			t.Errorf("card %d prices %+v, owner fields %v %v", i, v.Prices, v.CostPrice, v.LevelPrices)
		}
	}
}

// Ensure that a supplier has no feed.
func TestService_Feed_Supplier(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	if _, _, err := e.svc.Feed(bg, s, "", 10); catalog.ErrorCode(err) != catalog.Forbidden {
		t.Fatalf("got %v", err)
	}
}

// Ensure that events without a cursor start from now: nothing, and the
// current cursor.
func TestService_Events_NoCursor(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	d := e.world.Distributor("dist")
	e.world.Follow(s, d, catalog.StateActive, "standard")
	e.world.Post(s, 1000, nil)
	events, cursor, err := e.svc.Events(bg, d, "", 10)
	if err != nil || len(events) != 0 || cursor != feed.FormatCursor(e.logID, 2) {
		t.Fatalf("got %d events, cursor %q, %v", len(events), cursor, err)
	}
}

// Ensure that the replay rules hold: a card withdrawn now is replayed only
// as withdrawn, suppliers not actively followed now contribute nothing, and
// the distributor's follow changes are always there (level null when the
// follow ended).
func TestService_Events_ReplayRules(t *testing.T) {
	e := newEnv(t)
	a := e.world.Supplier("sup_a", "standard", "gold")
	b := e.world.Supplier("sup_b")
	d := e.world.Distributor("dist")
	_, cursor, _ := e.svc.Events(bg, d, "", 10)
	e.world.Follow(a, d, catalog.StateActive, "gold")
	e.world.Follow(b, d, catalog.StateActive, "standard")
	gone := e.world.Post(a, 2000, map[string]int64{"gold": 1500})
	kept := e.world.Post(a, 2000, map[string]int64{"gold": 1500})
	e.world.Post(b, 2000, nil)
	gone.Title = "changed"
	e.world.Save(gone, catalog.CardUpdated)
	gone.Withdrawn = true
	e.world.Save(gone, catalog.CardWithdrawn)
	e.world.Follow(b, d, catalog.StateNone, "")

	raw, next, err := e.svc.Events(bg, d, cursor, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := decodeRaw(t, raw)
	want := []string{"follow.changed", "follow.changed", "card.published", "card.withdrawn", "follow.changed"}
	if len(got) != len(want) {
		t.Fatalf("got %d events %+v, want %v", len(got), got, want)
	}
	for i, ev := range got {
		if ev.Type != want[i] {
			t.Errorf("event %d is %s, want %s", i, ev.Type, want[i])
		}
	}
	if got[2].Card.ID != kept.ID || cost(got[2]) != 1500 || got[3].CardID != gone.ID {
		t.Errorf("card events %+v %+v", got[2], got[3])
	}
	if last := got[4]; last.State != "none" || last.Level != nil || last.SupplierID != b.ID {
		t.Errorf("unfollow event %+v", last)
	}
	if next != got[4].Cursor {
		t.Errorf("cursor %q, want the last event's %q", next, got[4].Cursor)
	}
}

// Ensure that the cursor moves past entries the distributor does not see,
// so a client of quiet suppliers does not re-read the same range forever.
func TestService_Events_CursorPassesSkipped(t *testing.T) {
	e := newEnv(t)
	a := e.world.Supplier("sup_a")
	other := e.world.Supplier("sup_other")
	d := e.world.Distributor("dist")
	e.world.Follow(a, d, catalog.StateActive, "standard")
	_, cursor, _ := e.svc.Events(bg, d, "", 10)
	for i := 0; i < 5; i++ {
		e.world.Post(other, 1000, nil)
	}
	events, next, err := e.svc.Events(bg, d, cursor, 10)
	if err != nil || len(events) != 0 || next != feed.FormatCursor(e.logID, 6) {
		t.Fatalf("got %d events, cursor %q, %v", len(events), next, err)
	}
}

// Ensure that a page shorter than the log returns a cursor that continues
// exactly where it stopped.
func TestService_Events_Paging(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	d := e.world.Distributor("dist")
	e.world.Follow(s, d, catalog.StateActive, "standard")
	_, cursor, _ := e.svc.Events(bg, d, "", 10)
	for i := 0; i < 5; i++ {
		e.world.Post(s, 1000, nil)
	}
	var all []event
	for i := 0; i < 3; i++ {
		raw, next, err := e.svc.Events(bg, d, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		all, cursor = append(all, decodeRaw(t, raw)...), next
	}
	if len(all) != 5 || all[4].Cursor != cursor {
		t.Fatalf("got %d events, cursor %q", len(all), cursor)
	}
}

// Ensure that unknown and pruned cursors are conflicts (409).
func TestService_Events_UnusableCursor(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	d := e.world.Distributor("dist")
	e.world.Follow(s, d, catalog.StateActive, "standard")
	_, old, _ := e.svc.Events(bg, d, "", 10)
	e.world.Post(s, 1000, nil)
	e.world.Post(s, 1000, nil)
	e.store.Prune(2)
	for _, cursor := range []string{"nonsense", old, feed.FormatCursor("elsewhere", 1)} {
		if _, _, err := e.svc.Events(bg, d, cursor, 10); catalog.ErrorCode(err) != catalog.Conflict {
			t.Errorf("cursor %q: got %v", cursor, err)
		}
	}
	if _, _, err := e.svc.Events(bg, d, feed.FormatCursor(e.logID, 2), 10); err != nil {
		t.Errorf("cursor at the horizon: %v", err)
	}
}

func decodeRaw(t *testing.T, raw []json.RawMessage) []event {
	t.Helper()
	frames := make([][]byte, len(raw))
	for i, r := range raw {
		frames[i] = r
	}
	return decodeAll(t, frames)
}
