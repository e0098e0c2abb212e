package feed_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// Ensure that a card change is encoded once per level: followers on the
// same level get the very same bytes, each level sees only its own cost,
// and pending, blocked and non-followers get no frame at all.
func TestHub_EncodesOncePerLevel(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup", "standard", "silver", "gold")
	levels := map[string]string{"g1": "gold", "g2": "gold", "s1": "silver", "n1": "standard", "n2": "standard"}
	sinks := map[string]*sink{}
	for name, level := range levels {
		d := e.world.Distributor(name)
		e.world.Follow(s, d, catalog.StateActive, level)
		sinks[name], _ = e.attach(t, d, 0)
	}
	for name, state := range map[string]catalog.FollowState{"pending": catalog.StatePending, "blocked": catalog.StateBlocked, "stranger": ""} {
		d := e.world.Distributor(name)
		if state != "" {
			e.world.Follow(s, d, state, "gold")
		}
		sinks[name], _ = e.attach(t, d, 0)
	}
	prices := map[string]int64{"standard": 2000, "silver": 1700, "gold": 1500}
	e.world.Post(s, 2000, map[string]int64{"silver": 1700, "gold": 1500})

	for name, level := range levels {
		frames := sinks[name].got()
		if len(frames) != 1 || cost(decode(t, frames[0])) != prices[level] {
			t.Fatalf("%s: %d frames %q", name, len(frames), frames)
		}
		for other, p := range prices {
			if other != level && containsNumber(frames[0], p) {
				t.Errorf("%s (%s) sees the %s price: %s", name, level, other, frames[0])
			}
		}
	}
	for _, name := range []string{"pending", "blocked", "stranger"} {
		if n := len(sinks[name].got()); n != 0 {
			t.Errorf("%s got %d frames", name, n)
		}
	}
	same := func(a, b string) bool { return &sinks[a].got()[0][0] == &sinks[b].got()[0][0] }
	if !same("g1", "g2") || !same("n1", "n2") || same("g1", "n1") || same("g1", "s1") {
		t.Error("frames are not shared exactly per level")
	}
}

// Ensure that a withdrawal, which shows no price, is encoded once for all.
func TestHub_WithdrawalEncodedOnce(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup", "standard", "gold")
	d1, d2 := e.world.Distributor("d1"), e.world.Distributor("d2")
	e.world.Follow(s, d1, catalog.StateActive, "gold")
	e.world.Follow(s, d2, catalog.StateActive, "standard")
	c := e.world.Post(s, 2000, nil)
	k1, _ := e.attach(t, d1, 0)
	k2, _ := e.attach(t, d2, 0)
	c.Withdrawn = true
	e.world.Save(c, catalog.CardWithdrawn)
	f1, f2 := k1.got(), k2.got()
	if len(f1) != 1 || len(f2) != 1 || &f1[0][0] != &f2[0][0] || decode(t, f1[0]).CardID != c.ID {
		t.Fatalf("frames %q %q", f1, f2)
	}
}

// Ensure that a connection that cannot keep up is closed with 4008 and
// dropped, while the others receive every frame.
func TestHub_SlowSinkClosed(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	slowD, fastD := e.world.Distributor("slow"), e.world.Distributor("fast")
	e.world.Follow(s, slowD, catalog.StateActive, "standard")
	e.world.Follow(s, fastD, catalog.StateActive, "standard")
	slow, _ := e.attach(t, slowD, 2)
	fast, _ := e.attach(t, fastD, 0)
	for i := 0; i < 5; i++ {
		e.world.Post(s, 1000, nil)
	}
	if slow.closedWith() != feed.CloseSlow || len(slow.got()) != 2 {
		t.Errorf("slow sink: code %d, %d frames", slow.closedWith(), len(slow.got()))
	}
	if n := len(fast.got()); n != 5 || fast.closedWith() != 0 {
		t.Errorf("fast sink: %d frames, code %d", n, fast.closedWith())
	}
}

// Ensure that follow changes apply to open subscriptions at once: a level
// change moves the next card to the new price, a block stops card frames,
// and each change reaches the distributor as follow.changed.
func TestHub_FollowChangesApplyLive(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup", "standard", "gold")
	d := e.world.Distributor("dist")
	e.world.Follow(s, d, catalog.StateActive, "standard")
	k, _ := e.attach(t, d, 0)
	gold := map[string]int64{"gold": 1500}
	e.world.Post(s, 2000, gold)
	e.world.Follow(s, d, catalog.StateActive, "gold")
	e.world.Post(s, 2000, gold)
	e.world.Follow(s, d, catalog.StateBlocked, "gold")
	e.world.Post(s, 2000, gold)
	e.world.Follow(s, d, catalog.StateNone, "")
	e.world.Post(s, 2000, gold)

	got := decodeAll(t, k.got())
	want := []string{"card.published", "follow.changed", "card.published", "follow.changed", "follow.changed"}
	if len(got) != len(want) {
		t.Fatalf("got %d frames %+v", len(got), got)
	}
	for i, ev := range got {
		if ev.Type != want[i] {
			t.Errorf("frame %d is %s, want %s", i, ev.Type, want[i])
		}
	}
	if cost(got[0]) != 2000 || cost(got[2]) != 1500 {
		t.Errorf("costs %d then %d, want 2000 then 1500", cost(got[0]), cost(got[2]))
	}
	if got[3].State != "blocked" || *got[3].Level != "gold" || got[4].State != "none" || got[4].Level != nil {
		t.Errorf("follow events %+v %+v", got[3], got[4])
	}
}

// Ensure that a follower of a level the supplier has removed sees the
// lowest level's price, never the removed level's.
func TestHub_RemovedLevel(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup", "standard", "gold")
	d := e.world.Distributor("dist")
	e.world.Follow(s, d, catalog.StateActive, "gold")
	k, _ := e.attach(t, d, 0)
	s.Levels = []string{"standard"}
	if err := e.store.UpdateAccount(bg, s); err != nil {
		t.Fatal(err)
	}
	c := e.world.Post(s, 2000, map[string]int64{"gold": 1500})
	c.LevelPrices = map[string]int64{"standard": 1900, "gold": 1500}
	e.world.Save(c, catalog.CardUpdated)
	got := decodeAll(t, k.got())
	if len(got) != 2 || cost(got[0]) != 2000 || cost(got[1]) != 1900 {
		t.Fatalf("got %+v", got)
	}
}

// Ensure that CloseAll closes every sink with the given code and detaches it.
func TestHub_CloseAll(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup")
	d := e.world.Distributor("dist")
	e.world.Follow(s, d, catalog.StateActive, "standard")
	k1, _ := e.attach(t, d, 0)
	k2, _ := e.attach(t, d, 0)
	e.hub.CloseAll(feed.CloseGoingAway, "bye")
	e.world.Post(s, 1000, nil)
	for _, k := range []*sink{k1, k2} {
		if k.closedWith() != feed.CloseGoingAway || len(k.got()) != 0 {
			t.Errorf("code %d, %d frames", k.closedWith(), len(k.got()))
		}
	}
}

// containsNumber reports whether n appears in a JSON frame as a number,
// anywhere (not only where a price belongs).
func containsNumber(frame []byte, n int64) bool {
	return regexp.MustCompile(`[:\[,]` + strconv.FormatInt(n, 10) + `[,}\]]`).Match(frame)
}

// Ensure that a supplier attaches too (one stream per account) and gets
// the changes addressed to it, and no card frames: it follows no one.
func TestHub_Attach_Supplier(t *testing.T) {
	e := newEnv(t)
	sup, other := e.world.Supplier("sup"), e.world.Supplier("other")
	d := e.world.Distributor("shop")
	k := &sink{}
	sub, err := e.hub.Attach(bg, sup, k)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	sub.Start(0)
	e.world.Post(other, 1000, nil)
	requester := d.PublicView(true)
	e.bus.Publish(catalog.Change{Seq: 1000, Kind: catalog.FollowRequested, SupplierID: sup.ID, Requester: &requester,
		Follow: &catalog.Follow{SupplierID: sup.ID, DistributorID: d.ID, State: catalog.StatePending}})
	frames := k.got()
	if len(frames) != 1 || !strings.Contains(string(frames[0]), `"follow.requested"`) || !strings.Contains(string(frames[0]), d.ID) {
		t.Fatalf("supplier's frames = %q; want one follow.requested", frames)
	}
}

// Ensure that OnRouted runs once per change, after every connection on
// every level has the change's frame queued: the stream's flusher hands
// connections to its writers then, so a change must not be half queued.
func TestHub_OnRoutedAfterEveryFrameIsQueued(t *testing.T) {
	e := newEnv(t)
	s := e.world.Supplier("sup", "standard", "gold")
	var sinks []*sink
	for i, level := range []string{"standard", "gold", "standard", "gold"} {
		d := e.world.Distributor("d" + strconv.Itoa(i))
		e.world.Follow(s, d, catalog.StateActive, level)
		k, _ := e.attach(t, d, 0)
		sinks = append(sinks, k)
	}
	var queued []int // frames queued in all at each call
	e.hub.OnRouted(func() {
		n := 0
		for _, k := range sinks {
			n += len(k.got())
		}
		queued = append(queued, n)
	})
	e.world.Post(s, 2000, map[string]int64{"gold": 1500})
	e.world.Post(s, 2100, map[string]int64{"gold": 1600})
	if len(queued) != 2 || queued[0] != 4 || queued[1] != 8 {
		t.Fatalf("frames queued at each OnRouted call: %v, want [4 8]", queued)
	}
}
