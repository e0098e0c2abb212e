package client

import (
	"context"
	"net/http"

	"github.com/weigong/weigong/catalog/wire"
)

// CreateKey makes an app key (only with a signed-in session); Key in the
// reply is shown this once.
func (c *Client) CreateKey(ctx context.Context, name string, scopes ...string) (wire.AppKey, error) {
	var out wire.AppKey
	return out, c.do(ctx, http.MethodPost, "/v1/keys", nil, wire.AppKeyInput{Name: name, Scopes: scopes}, &out)
}

// Keys lists the account's app keys.
func (c *Client) Keys(ctx context.Context) ([]wire.AppKey, error) {
	var out wire.List[wire.AppKey]
	return out.Items, c.do(ctx, http.MethodGet, "/v1/keys", nil, nil, &out)
}

// DeleteKey revokes an app key.
func (c *Client) DeleteKey(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/keys/"+pathEscape(id), nil, nil, nil)
}

// CreateWebhook registers a webhook; Secret in the reply is shown this
// once: keep it for VerifyWebhook.
func (c *Client) CreateWebhook(ctx context.Context, in wire.WebhookInput) (wire.Webhook, error) {
	var out wire.Webhook
	return out, c.do(ctx, http.MethodPost, "/v1/webhooks", nil, in, &out)
}

// Webhooks lists the account's webhooks.
func (c *Client) Webhooks(ctx context.Context) ([]wire.Webhook, error) {
	var out wire.List[wire.Webhook]
	return out.Items, c.do(ctx, http.MethodGet, "/v1/webhooks", nil, nil, &out)
}

// UpdateWebhook changes a webhook's set fields.
func (c *Client) UpdateWebhook(ctx context.Context, id string, in wire.WebhookInput) (wire.Webhook, error) {
	var out wire.Webhook
	return out, c.do(ctx, http.MethodPatch, "/v1/webhooks/"+pathEscape(id), nil, in, &out)
}

// DeleteWebhook deletes a webhook and its delivery log.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/webhooks/"+pathEscape(id), nil, nil, nil)
}

// Deliveries returns a page of a webhook's delivery log, newest first.
func (c *Client) Deliveries(ctx context.Context, id string, p Page) (wire.List[wire.Delivery], error) {
	var out wire.List[wire.Delivery]
	return out, c.do(ctx, http.MethodGet, "/v1/webhooks/"+pathEscape(id)+"/deliveries", p.query(nil), nil, &out)
}

// RetryDelivery sends a delivery again now.
func (c *Client) RetryDelivery(ctx context.Context, id, deliveryID string) (wire.Delivery, error) {
	var out wire.Delivery
	return out, c.do(ctx, http.MethodPost, "/v1/webhooks/"+pathEscape(id)+"/deliveries/"+pathEscape(deliveryID)+"/retry", nil, nil, &out)
}

// PingWebhook sends a ping event to a webhook.
func (c *Client) PingWebhook(ctx context.Context, id string) (wire.Delivery, error) {
	var out wire.Delivery
	return out, c.do(ctx, http.MethodPost, "/v1/webhooks/"+pathEscape(id)+"/ping", nil, nil, &out)
}
