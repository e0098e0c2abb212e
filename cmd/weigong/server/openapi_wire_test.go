package server

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/weigong/weigong/catalog/wire"
)

// wireSchemas pairs each schema of openapi.json with the type of package
// wire that is that shape on the wire.
var wireSchemas = map[string]any{
	"Error":                 wire.ErrorBody{},
	"AppKeyInput":           wire.AppKeyInput{},
	"AppKey":                wire.AppKey{},
	"AppKeyList":            wire.List[wire.AppKey]{},
	"WebhookInput":          wire.WebhookInput{},
	"WebhookPatch":          wire.WebhookInput{},
	"Webhook":               wire.Webhook{},
	"WebhookList":           wire.List[wire.Webhook]{},
	"WebhookAttempt":        wire.Attempt{},
	"WebhookDelivery":       wire.Delivery{},
	"WebhookDeliveryList":   wire.List[wire.Delivery]{},
	"PublicShare":           wire.PublicShare{},
	"Account":               wire.Account{},
	"SignUpInput":           wire.SignUp{},
	"SignInInput":           wire.SignIn{},
	"SessionReply":          wire.Session{},
	"SessionState":          wire.SessionState{},
	"Health":                wire.Health{},
	"ProfileInput":          wire.ProfilePatch{},
	"Image":                 wire.Image{},
	"VolumePrice":           wire.VolumePrice{},
	"CardPatch":             wire.CardInput{},
	"SupplierRef":           wire.SupplierRef{},
	"PriceView":             wire.Prices{},
	"Card":                  wire.Card{},
	"Variant":               wire.VariantInput{},
	"EarlyAccess":           wire.EarlyAccessInput{},
	"FollowReply":           wire.FollowState{},
	"FollowingItem":         wire.Following{},
	"FollowerItem":          wire.Follower{},
	"FollowerInput":         wire.FollowerPatch{},
	"FollowingList":         wire.List[wire.Following]{},
	"FollowerList":          wire.List[wire.Follower]{},
	"CardPublishedEvent":    wire.CardEvent{},
	"CardUpdatedEvent":      wire.CardEvent{},
	"CardWithdrawnEvent":    wire.WithdrawnEvent{},
	"FollowChangedEvent":    wire.FollowEvent{},
	"OrderSubmittedEvent":   wire.OrderEvent{},
	"OrderUpdatedEvent":     wire.OrderEvent{},
	"AfterSaleUpdatedEvent": wire.AfterSaleEvent{},
	"FollowRequestedEvent":  wire.FollowRequestedEvent{},
	"EventsReply":           wire.Events[wire.Event]{},
	"ReadyFrame":            wire.Marker{},
	"ResyncFrame":           wire.Marker{},
	"Ticket":                wire.Ticket{},
	"ShareInput":            wire.ShareInput{},
	"Share":                 wire.Share{},
	"CardList":              wire.List[wire.Card]{},
	"ShareList":             wire.List[wire.Share]{},
	"Consignee":             wire.Consignee{},
	"OrderLine":             wire.OrderLine{},
	"ShipmentLine":          wire.ShipmentLine{},
	"Shipment":              wire.Shipment{},
	"PartyRef":              wire.PartyRef{},
	"Order":                 wire.Order{},
	"OrderInput":            wire.OrderInput{},
	"OrderList":             wire.List[wire.Order]{},
	"ReasonInput":           wire.Reason{},
	"ShipmentInput":         wire.ShipmentInput{},
	"PaymentInput":          wire.Payment{},
	"Parcel":                wire.Parcel{},
	"ParcelInput":           wire.ParcelInput{},
	"AfterSale":             wire.AfterSale{},
	"AfterSaleInput":        wire.AfterSaleInput{},
	"AfterSaleList":         wire.List[wire.AfterSale]{},
	"LevelRule":             wire.LevelRule{},
	"Metrics":               wire.Metrics{},
}

// extraFields are the fields a wire type has that its schema leaves out,
// and why; each is omitted when empty.
var extraFields = map[string][]string{
	// These lists are never paginated: Next is always empty.
	"AppKeyList":    {"next"},
	"WebhookList":   {"next"},
	"FollowingList": {"next"},
	// One type is the body of POST and of PATCH; only PATCH enables.
	"WebhookInput": {"enabled"},
	// A marker of either kind: only ready carries a cursor.
	"ResyncFrame": {"cursor"},
}

// mapSchemas are object schemas that package wire declares as maps.
var mapSchemas = []string{
	"ImageURLs", // wire.Image.URLs
}

// TestOpenAPI_WireShapes ensures every object schema with properties in
// openapi.json has a type in package wire, and that the two name the same
// JSON fields: the published contract, the server and the Go client all
// come from the same declarations.
func TestOpenAPI_WireShapes(t *testing.T) {
	_, doc := loadOpenAPI(t)
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	for name, raw := range schemas {
		schema, _ := raw.(map[string]any)
		props, _ := schema["properties"].(map[string]any)
		if len(props) == 0 {
			continue
		}
		if slices.Contains(mapSchemas, name) {
			continue
		}
		v, ok := wireSchemas[name]
		if !ok {
			t.Errorf("schema %s has no type in package wire (add it to wireSchemas)", name)
			continue
		}
		var documented []string
		for p := range props {
			documented = append(documented, p)
		}
		sort.Strings(documented)
		fields := slices.DeleteFunc(jsonFields(reflect.TypeOf(v)), func(f string) bool {
			return slices.Contains(extraFields[name], f)
		})
		if !slices.Equal(documented, fields) {
			t.Errorf("schema %s documents %v;\n  %T has %v", name, documented, v, fields)
		}
	}
	for name := range wireSchemas {
		if _, ok := schemas[name]; !ok {
			t.Errorf("wireSchemas names %s, which openapi.json does not have", name)
		}
	}
}

// jsonFields lists the JSON field names of a struct type, sorted, with
// embedded structs flattened as encoding/json does.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			out = append(out, jsonFields(ft)...)
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
