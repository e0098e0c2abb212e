package storage

import (
	"reflect"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// Ensure that a card survives a round trip exactly and that its change
// carries the card and its supplier.
func TestDB_SaveCard_RoundTrip(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	c := newCard(s.ID, newID())
	ch, err := db.SaveCard(ctx, c, catalog.CardPublished)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Seq != 1 || ch.Kind != catalog.CardPublished || ch.SupplierID != s.ID ||
		!reflect.DeepEqual(*ch.Card, c) || !reflect.DeepEqual(*ch.Supplier, *s.Publisher()) || ch.At.IsZero() {
		t.Fatalf("change = %+v", ch)
	}
	if got, err := db.Card(ctx, c.ID); err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("Card = %+v, %v; want %+v", got, err, c)
	}
	bare := catalog.Card{ID: newID(), SupplierID: s.ID, Title: "t", CreatedAt: base, UpdatedAt: base}
	if _, err := db.SaveCard(ctx, bare, catalog.CardPublished); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Card(ctx, bare.ID); err != nil || !reflect.DeepEqual(got, bare) {
		t.Fatalf("Card = %#v, %v; want %#v (nil fields must stay nil)", got, err, bare)
	}
}

// Ensure that the store refuses what would corrupt the log: publishing a
// card twice, changing an unknown card, an unknown supplier, a kind that
// is not a card change, and moving a card to another supplier.
func TestDB_SaveCard_Refusals(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	c := mustPublish(t, db, s.ID, newID())
	_, err := db.SaveCard(ctx, c, catalog.CardPublished)
	wantCode(t, err, catalog.Conflict)
	_, err = db.SaveCard(ctx, newCard(s.ID, newID()), catalog.CardUpdated)
	wantCode(t, err, catalog.NotFound)
	_, err = db.SaveCard(ctx, newCard(newID(), newID()), catalog.CardPublished)
	wantCode(t, err, catalog.NotFound)
	_, err = db.SaveCard(ctx, newCard("../x", newID()), catalog.CardPublished)
	wantCode(t, err, catalog.NotFound)
	if _, err = db.SaveCard(ctx, c, catalog.FollowChanged); err == nil {
		t.Fatal("SaveCard accepted a follow change")
	}
	if _, err = db.SaveCard(ctx, newCard(s.ID, "c1"), catalog.CardPublished); err == nil {
		t.Fatal("SaveCard accepted a non-UUID card ID")
	}
	other := mustSupplier(t, db, "other")
	moved := c
	moved.SupplierID = other.ID
	if _, err = db.SaveCard(ctx, moved, catalog.CardUpdated); err == nil {
		t.Fatal("SaveCard moved a card to another supplier")
	}
	if info, _ := db.Log(ctx); info.Last != 1 {
		t.Fatalf("refused writes advanced the log to %d", info.Last)
	}
}

// Ensure that unknown and hostile card IDs are NotFound, and hostile
// supplier IDs and cursors in listings are refused cleanly.
func TestDB_Card_NotFound(t *testing.T) {
	db := mustOpen(t)
	_, err := db.Card(ctx, newID())
	wantCode(t, err, catalog.NotFound)
	if cards, err := db.SupplierCards(ctx, newID(), "", 10); err != nil || len(cards) != 0 {
		t.Fatalf("SupplierCards(unknown supplier) = %v, %v; want none", cards, err)
	}
	for _, id := range hostileIDs {
		_, err := db.Card(ctx, id)
		wantCode(t, err, catalog.NotFound)
		_, err = db.SupplierCards(ctx, id, "", 10)
		wantCode(t, err, catalog.NotFound)
		if id == "" {
			continue // "" is the first page, not a cursor
		}
		_, err = db.SupplierCards(ctx, newID(), id, 10)
		wantCode(t, err, catalog.Invalid)
		_, err = db.FeedCards(ctx, []string{id}, id, 10)
		wantCode(t, err, catalog.Invalid)
	}
	if cards, err := db.FeedCards(ctx, hostileIDs, "", 10); err != nil || len(cards) != 0 {
		t.Fatalf("FeedCards(hostile suppliers) = %v, %v; want none", cards, err)
	}
}

// Ensure that a withdrawn card leaves the supplier's channel and the feed,
// yet Card still returns it, marked withdrawn, for share pages to answer
// 410.
func TestDB_SaveCard_Withdrawn(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	keep := mustPublish(t, db, s.ID, idAt(base))
	gone := mustPublish(t, db, s.ID, idAt(base.Add(time.Second)))
	ch, err := db.SaveCard(ctx, gone, catalog.CardWithdrawn)
	if err != nil || !ch.Card.Withdrawn {
		t.Fatalf("SaveCard(withdrawn) = %+v, %v", ch, err)
	}
	if got, err := db.Card(ctx, gone.ID); err != nil || !got.Withdrawn {
		t.Fatalf("Card(withdrawn) = %+v, %v", got, err)
	}
	for name, list := range map[string]func() ([]catalog.Card, error){
		"SupplierCards": func() ([]catalog.Card, error) { return db.SupplierCards(ctx, s.ID, "", 10) },
		"FeedCards":     func() ([]catalog.Card, error) { return db.FeedCards(ctx, []string{s.ID}, "", 10) },
	} {
		cards, err := list()
		if err != nil || len(cards) != 1 || cards[0].ID != keep.ID {
			t.Errorf("%s = %v, %v; want only %s", name, cardIDs(cards), err, keep.ID)
		}
	}
}

// Ensure that SupplierCards pages newest first, strictly below before.
func TestDB_SupplierCards_Paging(t *testing.T) {
	db := mustOpen(t)
	s := mustSupplier(t, db, "factory")
	other := mustSupplier(t, db, "other")
	var want []string
	for i := range 7 {
		c := mustPublish(t, db, s.ID, idAt(base.Add(time.Duration(i)*time.Minute)))
		want = append([]string{c.ID}, want...)
		mustPublish(t, db, other.ID, idAt(base.Add(time.Duration(i)*time.Minute+time.Second)))
	}
	var got []string
	before := ""
	for {
		page, err := db.SupplierCards(ctx, s.ID, before, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		got = append(got, cardIDs(page)...)
		before = page[len(page)-1].ID
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("pages = %v; want %v", got, want)
	}
}

func cardIDs(cards []catalog.Card) []string {
	ids := make([]string, len(cards))
	for i, c := range cards {
		ids[i] = c.ID
	}
	return ids
}
