// Package webhook delivers an account's events to its own HTTP endpoints,
// signed per Standard Webhooks v1 (https://www.standardwebhooks.com/,
// spec v1): headers webhook-id, webhook-timestamp and webhook-signature
// "v1,<base64 HMAC-SHA256 over id.timestamp.body>" with a "whsec_" secret.
//
// Delivery is a durable tailer of the change log (docs/FEED.md, "The
// write path"): Fanout turns each change into one delivery per subscribed
// endpoint, rendered by feed.EncodeFor exactly as the account's stream
// carries it (a distributor's webhook sees its own level's price, never
// another's), and stores it; Sender posts due deliveries with retries
// (Schedule), a 15 s timeout, bounded concurrency per endpoint and in all,
// and never to a private address unless the operator allows it (Guard).
// A change committed before a crash is stored as a delivery after the
// restart, and a stored delivery is sent until it succeeds or its
// retries run out: at least once. Receivers deduplicate by webhook-id.
package webhook
