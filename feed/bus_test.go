package feed_test

import (
	"testing"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// Ensure that subscribers see every change in publication order, and
// nothing after they unsubscribe.
func TestLocalBus_Publish(t *testing.T) {
	bus := feed.NewLocalBus()
	var a, b []uint64
	unsubA := bus.Subscribe(func(c catalog.Change) { a = append(a, c.Seq) })
	bus.Subscribe(func(c catalog.Change) { b = append(b, c.Seq) })
	bus.Publish(catalog.Change{Seq: 1})
	bus.Publish(catalog.Change{Seq: 2})
	unsubA()
	unsubA()
	bus.Publish(catalog.Change{Seq: 3})
	if len(a) != 2 || a[1] != 2 || len(b) != 3 || b[2] != 3 {
		t.Fatalf("a=%v b=%v", a, b)
	}
}
