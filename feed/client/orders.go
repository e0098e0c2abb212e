package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/weigong/weigong/catalog/wire"
)

// PlaceOrder places a drop-ship order as a distributor; the server prices
// every line.
func (c *Client) PlaceOrder(ctx context.Context, in wire.OrderInput, opts ...Option) (wire.Order, error) {
	var out wire.Order
	return out, c.do(ctx, http.MethodPost, "/v1/orders", nil, in, &out, opts...)
}

// Order returns an order, consignee whole, to one of its parties.
func (c *Client) Order(ctx context.Context, id string) (wire.Order, error) {
	var out wire.Order
	return out, c.do(ctx, http.MethodGet, "/v1/orders/"+pathEscape(id), nil, nil, &out)
}

// Orders returns a page of the caller's orders in one state ("" for all).
func (c *Client) Orders(ctx context.Context, state string, p Page) (wire.List[wire.Order], error) {
	var out wire.List[wire.Order]
	return out, c.do(ctx, http.MethodGet, "/v1/orders", p.query(stateQuery(state)), nil, &out)
}

// MoveOrder makes one move of the order's state table: "accept",
// "reject", "cancel", "cancel/approve", "cancel/decline", "receive" or
// "payment", with its body (a wire.Reason, {"state": "paid"}) or nil.
func (c *Client) MoveOrder(ctx context.Context, id, move string, body any, opts ...Option) (wire.Order, error) {
	var out wire.Order
	return out, c.do(ctx, http.MethodPost, "/v1/orders/"+pathEscape(id)+"/"+move, nil, body, &out, opts...)
}

// Ship adds a shipment to an order.
func (c *Client) Ship(ctx context.Context, id string, in wire.ShipmentInput, opts ...Option) (wire.Order, error) {
	var out wire.Order
	return out, c.do(ctx, http.MethodPost, "/v1/orders/"+pathEscape(id)+"/shipments", nil, in, &out, opts...)
}

// OpenAfterSale opens an after-sale case on one of the caller's orders.
func (c *Client) OpenAfterSale(ctx context.Context, orderID string, in wire.AfterSaleInput, opts ...Option) (wire.AfterSale, error) {
	var out wire.AfterSale
	return out, c.do(ctx, http.MethodPost, "/v1/orders/"+pathEscape(orderID)+"/aftersales", nil, in, &out, opts...)
}

// AfterSale returns an after-sale case.
func (c *Client) AfterSale(ctx context.Context, id string) (wire.AfterSale, error) {
	var out wire.AfterSale
	return out, c.do(ctx, http.MethodGet, "/v1/aftersales/"+pathEscape(id), nil, nil, &out)
}

// AfterSales returns a page of the caller's after-sale cases.
func (c *Client) AfterSales(ctx context.Context, state string, p Page) (wire.List[wire.AfterSale], error) {
	var out wire.List[wire.AfterSale]
	return out, c.do(ctx, http.MethodGet, "/v1/aftersales", p.query(stateQuery(state)), nil, &out)
}

// MoveAfterSale makes one move of a case ("approve", "reject", "withdraw",
// "return", "receive", "refund", "reship"), with its body or nil.
func (c *Client) MoveAfterSale(ctx context.Context, id, action string, body any, opts ...Option) (wire.AfterSale, error) {
	var out wire.AfterSale
	return out, c.do(ctx, http.MethodPost, "/v1/aftersales/"+pathEscape(id)+"/"+action, nil, body, &out, opts...)
}

func stateQuery(state string) url.Values {
	if state == "" {
		return nil
	}
	return url.Values{"state": {state}}
}
