package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/weigong/weigong/catalog/wire"
)

// CreateCard posts a card as a supplier (prices in fen).
func (c *Client) CreateCard(ctx context.Context, in wire.CardInput, opts ...Option) (wire.Card, error) {
	var out wire.Card
	return out, c.do(ctx, http.MethodPost, "/v1/cards", nil, in, &out, opts...)
}

// Card returns a card as the caller may see it.
func (c *Client) Card(ctx context.Context, id string) (wire.Card, error) {
	var out wire.Card
	return out, c.do(ctx, http.MethodGet, "/v1/cards/"+pathEscape(id), nil, nil, &out)
}

// UpdateCard changes the fields of in that are set (IfMatch with the
// card's version).
func (c *Client) UpdateCard(ctx context.Context, id string, in wire.CardInput, opts ...Option) (wire.Card, error) {
	var out wire.Card
	return out, c.do(ctx, http.MethodPatch, "/v1/cards/"+pathEscape(id), nil, in, &out, opts...)
}

// WithdrawCard withdraws a card; followers get card.withdrawn.
func (c *Client) WithdrawCard(ctx context.Context, id string, opts ...Option) error {
	return c.do(ctx, http.MethodDelete, "/v1/cards/"+pathEscape(id), nil, nil, nil, opts...)
}

// Feed returns a page of the distributor's feed, newest first.
func (c *Client) Feed(ctx context.Context, p Page) (wire.List[wire.Card], error) {
	var out wire.List[wire.Card]
	return out, c.do(ctx, http.MethodGet, "/v1/feed", p.query(nil), nil, &out)
}

// Events returns up to limit events after the cursor after, oldest first,
// and the cursor to continue from. Without after it returns no events
// and the current cursor. An expired cursor is a wire.Conflict: reload.
func (c *Client) Events(ctx context.Context, after string, limit int) ([]wire.Event, string, error) {
	q := url.Values{}
	if after != "" {
		q.Set("after", after)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out wire.Events[wire.Event]
	err := c.do(ctx, http.MethodGet, "/v1/feed/events", q, nil, &out)
	return out.Events, out.Cursor, err
}

// Ticket returns a single-use websocket ticket, valid 60 s.
func (c *Client) Ticket(ctx context.Context) (wire.Ticket, error) {
	var out wire.Ticket
	return out, c.do(ctx, http.MethodPost, "/v1/feed/tickets", nil, nil, &out)
}

// CreateShare makes a reshare link as a distributor.
func (c *Client) CreateShare(ctx context.Context, in wire.ShareInput, opts ...Option) (wire.Share, error) {
	var out wire.Share
	return out, c.do(ctx, http.MethodPost, "/v1/shares", nil, in, &out, opts...)
}

// PublicShare returns what a share page shows, as JSON for embedding:
// the card as anyone may see it (never a cost price), the distributor's
// price in fen and its public contact. It needs no credential and sends
// none, as a page on another origin would not. A withdrawn card or
// deleted share is a wire.NotFound error (status 410 or 404).
func (c *Client) PublicShare(ctx context.Context, id string) (wire.PublicShare, error) {
	var out wire.PublicShare
	return out, c.WithToken("").do(ctx, http.MethodGet, "/v1/public/shares/"+pathEscape(id), nil, nil, &out)
}

// Shares returns a page of the caller's shares, newest first.
func (c *Client) Shares(ctx context.Context, p Page) (wire.List[wire.Share], error) {
	var out wire.List[wire.Share]
	return out, c.do(ctx, http.MethodGet, "/v1/shares", p.query(nil), nil, &out)
}

// DeleteShare stops a share link.
func (c *Client) DeleteShare(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/shares/"+pathEscape(id), nil, nil, nil)
}
