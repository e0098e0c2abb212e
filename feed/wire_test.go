package feed

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
)

// TestEncodeFor_DecodesAsWireEvent ensures every event the stream (and so
// every webhook) carries decodes into wire.Event, the type the Go client
// reads, with no field left over: the encoders and the client's shape
// cannot drift apart.
func TestEncodeFor_DecodesAsWireEvent(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	sup, dist := "0190a0a0-0000-7000-8000-000000000001", "0190a0a0-0000-7000-8000-000000000002"
	pub := &catalog.Publisher{Ref: catalog.SupplierRef{ID: sup, Handle: "s", Name: "S", Badges: []string{}}, Levels: []string{"standard"}}
	card := &catalog.Card{ID: "0190a0a0-0000-7000-8000-000000000003", SupplierID: sup, Title: "t", CostPrice: 100, RetailPrice: 200,
		CreatedAt: now, UpdatedAt: now}
	follow := catalog.Follow{SupplierID: sup, DistributorID: dist, State: catalog.StateActive, Level: "standard"}
	order := &catalog.OrderView{ID: "o", Lines: []catalog.OrderLine{}, Guarantees: []string{}, Shipments: []catalog.Shipment{}}
	as := &catalog.AfterSaleView{ID: "a", Lines: []catalog.ShipmentLine{}, EvidenceImageIDs: []string{}}
	requester := &catalog.AccountView{ID: dist, Role: string(catalog.RoleDistributor), Handle: "d"}
	ended := follow
	ended.State = catalog.StateNone
	changes := []catalog.Change{
		{Seq: 1, Kind: catalog.CardPublished, SupplierID: sup, Card: card, Supplier: pub},
		{Seq: 2, Kind: catalog.CardUpdated, SupplierID: sup, Card: card, Supplier: pub},
		{Seq: 3, Kind: catalog.CardWithdrawn, SupplierID: sup, Card: card, Supplier: pub},
		{Seq: 4, Kind: catalog.FollowChanged, SupplierID: sup, Follow: &follow},
		{Seq: 5, Kind: catalog.FollowChanged, SupplierID: sup, Follow: &ended},
		{Seq: 6, Kind: catalog.OrderSubmittedChange, SupplierID: sup, DistributorID: dist, Order: order},
		{Seq: 7, Kind: catalog.OrderUpdatedChange, SupplierID: sup, DistributorID: dist, Order: order},
		{Seq: 8, Kind: catalog.AfterSaleUpdatedChange, SupplierID: sup, DistributorID: dist, AfterSale: as},
		{Seq: 9, Kind: catalog.FollowRequested, SupplierID: sup, Follow: &follow, Requester: requester},
	}
	active := func(string) (catalog.Follow, bool) { return follow, true }
	for _, c := range changes {
		account := dist
		if c.Kind == catalog.FollowRequested {
			account = sup
		}
		frame, err := EncodeFor("log", account, c, active)
		if err != nil || frame == nil {
			t.Fatalf("%s: %s, %v", c.Kind, frame, err)
		}
		var ev wire.Event
		dec := json.NewDecoder(bytes.NewReader(frame))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ev); err != nil {
			t.Errorf("%s does not decode as wire.Event: %v\n%s", c.Kind, err, frame)
			continue
		}
		if ev.Type != EventType(c.Kind) || ev.Cursor == "" {
			t.Errorf("%s decoded as %+v", c.Kind, ev)
		}
	}
	for _, frame := range [][]byte{ReadyFrame("log-1"), ResyncFrame()} {
		var ev wire.Event
		dec := json.NewDecoder(bytes.NewReader(frame))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ev); err != nil || (ev.Type != wire.TypeReady && ev.Type != wire.TypeResync) {
			t.Errorf("%s: %+v, %v", frame, ev, err)
		}
	}
}
