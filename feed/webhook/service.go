package webhook

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/catalog/wire"
	"github.com/weigong/weigong/feed"
)

// Limits on webhooks.
const (
	MaxWebhooks       = 10
	MaxURLLen         = 2048
	MaxDescriptionLen = 200
	MaxEventPatterns  = 20
)

// EventTypes are the event types a webhook can subscribe to: every type
// an account's stream carries, and "ping".
var EventTypes = []string{
	string(catalog.CardPublished), string(catalog.CardUpdated), string(catalog.CardWithdrawn),
	string(catalog.FollowChanged), string(catalog.FollowRequested),
	string(catalog.OrderSubmittedChange), string(catalog.OrderUpdatedChange), string(catalog.AfterSaleUpdatedChange),
}

// PingType is the type of the event POST /v1/webhooks/{id}/ping sends.
const PingType = "ping"

// Service answers the webhook endpoints. Each webhook belongs to one
// account; anyone else is told it does not exist.
type Service struct {
	Store Store
	Guard *Guard
	// Log gives the change log's end, where a ping's delivery ID starts.
	Log feed.ChangeLog
	// Kick wakes the sender when a delivery becomes due now; may be nil.
	Kick  func()
	Now   func() time.Time
	NewID func() string
}

// Input is the body of POST /v1/webhooks; PATCH takes any of its fields.
type Input = wire.WebhookInput

// Create registers a webhook for the caller and returns it with its
// signing secret, shown this once.
func (s *Service) Create(ctx context.Context, caller catalog.Account, in Input) (View, error) {
	if in.URL == nil || in.Events == nil {
		return View{}, catalog.Errorf(catalog.Invalid, "url and events are required")
	}
	w := Webhook{ID: s.NewID(), AccountID: caller.ID, Enabled: true, CreatedAt: s.Now()}
	w.UpdatedAt = w.CreatedAt
	if err := s.apply(ctx, &w, in); err != nil {
		return View{}, err
	}
	existing, err := s.Store.AccountWebhooks(ctx, caller.ID)
	if err != nil {
		return View{}, err
	}
	if len(existing) >= MaxWebhooks {
		return View{}, catalog.Errorf(catalog.Conflict, "an account has at most %d webhooks", MaxWebhooks)
	}
	if w.Secret, err = NewSecret(); err != nil {
		return View{}, err
	}
	if err := s.Store.CreateWebhook(ctx, w); err != nil {
		return View{}, err
	}
	v := w.View()
	v.Secret = w.Secret
	return v, nil
}

// List returns the caller's webhooks, without secrets.
func (s *Service) List(ctx context.Context, caller catalog.Account) ([]View, error) {
	hooks, err := s.Store.AccountWebhooks(ctx, caller.ID)
	if err != nil {
		return nil, err
	}
	views := make([]View, 0, len(hooks))
	for _, w := range hooks {
		views = append(views, w.View())
	}
	return views, nil
}

// Update changes a webhook's URL, events, description or enabled state.
// Enabling it again clears the reason the server disabled it, and its
// pending deliveries go out again.
func (s *Service) Update(ctx context.Context, caller catalog.Account, id string, in Input) (View, error) {
	w, err := s.own(ctx, caller, id)
	if err != nil {
		return View{}, err
	}
	if err := s.apply(ctx, &w, in); err != nil {
		return View{}, err
	}
	w.UpdatedAt = s.Now()
	if err := s.Store.UpdateWebhook(ctx, w); err != nil {
		return View{}, err
	}
	s.kick()
	return w.View(), nil
}

// Delete removes a webhook and its deliveries.
func (s *Service) Delete(ctx context.Context, caller catalog.Account, id string) error {
	if _, err := s.own(ctx, caller, id); err != nil {
		return err
	}
	return s.Store.DeleteWebhook(ctx, id)
}

// Deliveries returns a page of a webhook's deliveries, newest first, with
// every attempt.
func (s *Service) Deliveries(ctx context.Context, caller catalog.Account, id, before string, limit int) ([]DeliveryView, string, error) {
	if _, err := s.own(ctx, caller, id); err != nil {
		return nil, "", err
	}
	ds, next, err := s.Store.Deliveries(ctx, id, before, limit)
	if err != nil {
		return nil, "", err
	}
	views := make([]DeliveryView, 0, len(ds))
	for _, d := range ds {
		views = append(views, d.View())
	}
	return views, next, nil
}

// Retry makes a delivery due now, whatever its state; its retries start
// over from the first wait.
func (s *Service) Retry(ctx context.Context, caller catalog.Account, id, deliveryID string) (DeliveryView, error) {
	w, err := s.own(ctx, caller, id)
	if err != nil {
		return DeliveryView{}, err
	}
	if !w.Enabled {
		return DeliveryView{}, catalog.Errorf(catalog.Conflict, "the webhook is disabled; enable it first")
	}
	d, err := s.Store.Delivery(ctx, id, deliveryID)
	if err != nil {
		return DeliveryView{}, err
	}
	d.State, d.NextAt = Pending, s.Now()
	if err := s.Store.SaveDelivery(ctx, d); err != nil {
		return DeliveryView{}, err
	}
	s.kick()
	return d.View(), nil
}

// Ping sends a "ping" event to the webhook now, through the same queue,
// signing and retries as every other event.
func (s *Service) Ping(ctx context.Context, caller catalog.Account, id string) (DeliveryView, error) {
	w, err := s.own(ctx, caller, id)
	if err != nil {
		return DeliveryView{}, err
	}
	if !w.Enabled {
		return DeliveryView{}, catalog.Errorf(catalog.Conflict, "the webhook is disabled; enable it first")
	}
	info, err := s.Log.Log(ctx)
	if err != nil {
		return DeliveryView{}, err
	}
	now := s.Now()
	data, _ := json.Marshal(map[string]string{"type": PingType, "webhook_id": w.ID})
	d, err := newDelivery(w, info.Last, pingNumber(), PingType, now, data)
	if err != nil {
		return DeliveryView{}, err
	}
	if err := s.Store.AddDeliveries(ctx, []Delivery{d}); err != nil {
		return DeliveryView{}, err
	}
	s.kick()
	return d.View(), nil
}

// own returns the caller's webhook, or NotFound.
func (s *Service) own(ctx context.Context, caller catalog.Account, id string) (Webhook, error) {
	w, err := s.Store.Webhook(ctx, id)
	if err == nil && w.AccountID != caller.ID {
		err = catalog.Errorf(catalog.NotFound, "no such webhook")
	}
	return w, err
}

// apply validates the fields of in that are set and copies them into w.
func (s *Service) apply(ctx context.Context, w *Webhook, in Input) error {
	if in.URL != nil {
		u := strings.TrimSpace(*in.URL)
		if len(u) > MaxURLLen {
			return catalog.Errorf(catalog.Invalid, "url must be at most %d bytes", MaxURLLen)
		}
		if err := s.Guard.CheckURL(ctx, u); err != nil {
			return catalog.Errorf(catalog.Invalid, "%s", err.Error())
		}
		w.URL = u
	}
	if in.Events != nil {
		if err := validateEvents(in.Events); err != nil {
			return err
		}
		w.Events = slices.Compact(slices.Sorted(slices.Values(in.Events)))
	}
	if in.Description != nil {
		if !utf8.ValidString(*in.Description) || utf8.RuneCountInString(*in.Description) > MaxDescriptionLen {
			return catalog.Errorf(catalog.Invalid, "description must be valid UTF-8 of at most %d characters", MaxDescriptionLen)
		}
		w.Description = *in.Description
	}
	if in.Enabled != nil {
		w.Enabled = *in.Enabled
		if w.Enabled {
			w.DisabledReason = ""
		}
	}
	return nil
}

// validateEvents accepts "*", an event type, or a prefix pattern such as
// "order.*" that matches at least one event type.
func validateEvents(events []string) error {
	if len(events) == 0 || len(events) > MaxEventPatterns {
		return catalog.Errorf(catalog.Invalid, "events must list 1 to %d event types or patterns", MaxEventPatterns)
	}
	for _, p := range events {
		ok := p == "*" || slices.Contains(EventTypes, p)
		if prefix, isPattern := strings.CutSuffix(p, ".*"); isPattern && !ok {
			for _, t := range EventTypes {
				ok = ok || strings.HasPrefix(t, prefix+".")
			}
		}
		if !ok {
			return catalog.Errorf(catalog.Invalid, "events: %q is not an event type or pattern such as order.*; types are %s",
				truncate(p, 40), strings.Join(EventTypes, ", "))
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n || !utf8.ValidString(s) {
		return strings.ToValidUTF8(s[:min(len(s), n)], "")
	}
	return s
}

func (s *Service) kick() {
	if s.Kick != nil {
		s.Kick()
	}
}
