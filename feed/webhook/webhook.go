package webhook

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// Webhook is one endpoint an account has registered.
type Webhook struct {
	ID        string
	AccountID string
	URL       string
	// Events are the patterns of event types sent: "order.*", an exact
	// type such as "card.published", or "*" for every type.
	Events      []string
	Description string
	// Secret is the whsec_ signing secret, shown to the owner once.
	Secret  string
	Enabled bool
	// DisabledReason says why the server disabled the endpoint (a 410).
	DisabledReason string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// View is a webhook as its owner sees it (wire.Webhook): its secret only
// in the reply that creates it.
type View = wire.Webhook

// View returns the webhook without its secret.
func (w Webhook) View() View {
	return View{ID: w.ID, URL: w.URL, Events: w.Events, Description: w.Description, Enabled: w.Enabled,
		DisabledReason: w.DisabledReason, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

// Wants reports whether the webhook subscribes to events of type kind.
func (w Webhook) Wants(kind string) bool {
	for _, p := range w.Events {
		if p == "*" || p == kind {
			return true
		}
		if prefix, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(kind, prefix) {
			return true
		}
	}
	return false
}

// DeliveryState is where a delivery stands.
type DeliveryState string

// The delivery states.
const (
	Pending   DeliveryState = "pending"
	Succeeded DeliveryState = "succeeded"
	// Failed: the retries ran out, or the endpoint answered 410.
	Failed DeliveryState = "failed"
)

// Delivery is one event on its way to one endpoint, with every attempt
// made so far. Its ID is unique within its webhook and fixed by the
// change it carries (Seq), so handing a change on twice (at least once,
// after a crash) stores one delivery.
type Delivery struct {
	ID        string
	WebhookID string
	AccountID string
	Seq       uint64
	Type      string
	// Payload is the request body: {"type", "timestamp", "data"}.
	Payload   json.RawMessage
	State     DeliveryState
	Attempts  []Attempt
	NextAt    time.Time
	CreatedAt time.Time
}

// Attempt is one POST of a delivery: Status 0 means no answer came.
type Attempt = wire.Attempt

// MessageID is the webhook-id header: the same across retries, so the
// receiver can deduplicate.
func (d Delivery) MessageID() string {
	return "msg_" + strings.ReplaceAll(d.WebhookID, "-", "") + "_" + d.ID
}

// DeliveryView is a delivery as the API shows it.
type DeliveryView = wire.Delivery

// View returns the delivery as its owner sees it.
func (d Delivery) View() DeliveryView {
	v := DeliveryView{ID: d.ID, MessageID: d.MessageID(), Type: d.Type, State: string(d.State), Attempts: d.Attempts,
		CreatedAt: d.CreatedAt, Payload: d.Payload}
	if v.Attempts == nil {
		v.Attempts = []Attempt{}
	}
	if d.State == Pending {
		next := d.NextAt
		v.NextAttemptAt = &next
	}
	return v
}

// Store keeps webhooks and their deliveries (package storage implements
// it). Methods return *catalog.Error values with code NotFound where the
// caller can act on them.
type Store interface {
	CreateWebhook(ctx context.Context, w Webhook) error
	Webhook(ctx context.Context, id string) (Webhook, error)
	// AccountWebhooks lists an account's webhooks, oldest first.
	AccountWebhooks(ctx context.Context, accountID string) ([]Webhook, error)
	// EnabledWebhooks lists every enabled webhook of every account.
	EnabledWebhooks(ctx context.Context) ([]Webhook, error)
	UpdateWebhook(ctx context.Context, w Webhook) error
	// DeleteWebhook deletes a webhook and its deliveries.
	DeleteWebhook(ctx context.Context, id string) error

	// AddDeliveries stores new deliveries; one whose webhook and ID are
	// already stored is left as it is.
	AddDeliveries(ctx context.Context, ds []Delivery) error
	Delivery(ctx context.Context, webhookID, id string) (Delivery, error)
	// Deliveries lists a webhook's deliveries newest first, before the
	// delivery ID before ("" = from the newest), and the next page's
	// cursor ("" on the last page).
	Deliveries(ctx context.Context, webhookID, before string, limit int) ([]Delivery, string, error)
	// DueDeliveries returns up to limit pending deliveries of a webhook
	// whose NextAt is at or before now, soonest first.
	DueDeliveries(ctx context.Context, webhookID string, now time.Time, limit int) ([]Delivery, error)
	// NextDue returns the earliest NextAt of a webhook's pending
	// deliveries, if it has any.
	NextDue(ctx context.Context, webhookID string) (time.Time, bool, error)
	// SaveDelivery replaces a delivery, keeping the due index in step.
	SaveDelivery(ctx context.Context, d Delivery) error
	// SaveDeliveries replaces several deliveries in one transaction (the
	// sender records a batch of attempts with one fsync).
	SaveDeliveries(ctx context.Context, ds []Delivery) error
}
