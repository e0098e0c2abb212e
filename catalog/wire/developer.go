package wire

import (
	"encoding/json"
	"time"
)

// AppKey is an app key (API.md part 2, "Developers"); Key is set only in
// the reply that creates it.
type AppKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Scopes     []string   `json:"scopes"`
	Key        string     `json:"key,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// AppKeyInput is the body of POST /v1/keys.
type AppKeyInput struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

// Webhook is a webhook endpoint; Secret is set only in the reply that
// creates it.
type Webhook struct {
	ID             string    `json:"id"`
	URL            string    `json:"url"`
	Events         []string  `json:"events"`
	Description    string    `json:"description"`
	Enabled        bool      `json:"enabled"`
	DisabledReason string    `json:"disabled_reason,omitempty"`
	Secret         string    `json:"secret,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// WebhookInput is the body of POST /v1/webhooks, and of PATCH with any of
// its fields.
type WebhookInput struct {
	URL         *string  `json:"url,omitempty"`
	Events      []string `json:"events,omitempty"`
	Description *string  `json:"description,omitempty"`
	Enabled     *bool    `json:"enabled,omitempty"`
}

// Attempt is one POST of a webhook delivery; Status 0 means no answer.
type Attempt struct {
	At        time.Time `json:"at"`
	Status    int       `json:"status"`
	LatencyMS int64     `json:"latency_ms"`
	Error     string    `json:"error,omitempty"`
}

// Delivery is one event on its way to one webhook, with its attempts.
type Delivery struct {
	ID            string          `json:"id"`
	MessageID     string          `json:"message_id"`
	Type          string          `json:"type"`
	State         string          `json:"state"`
	Attempts      []Attempt       `json:"attempts"`
	NextAttemptAt *time.Time      `json:"next_attempt_at"`
	CreatedAt     time.Time       `json:"created_at"`
	Payload       json.RawMessage `json:"payload"`
}

// WebhookMessage is the body of every webhook request: Data is the event
// exactly as the account's stream carries it.
type WebhookMessage struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}
