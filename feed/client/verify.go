package client

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// WebhookTolerance is how far a webhook's timestamp may be from now before
// VerifyWebhook refuses it, against replays (the Standard Webhooks
// recommendation).
const WebhookTolerance = 5 * time.Minute

// ErrBadSignature is returned for a webhook that is not signed with the
// secret, or whose timestamp is too far from now.
var ErrBadSignature = errors.New("weigong: webhook signature does not verify")

// VerifyWebhook checks a webhook request's Standard Webhooks v1 signature
// (webhook-id, webhook-timestamp, webhook-signature) against the
// webhook's whsec_ secret and the raw body, refuses timestamps more than
// WebhookTolerance from now, and returns the decoded message. The event
// is in Data, exactly as the stream carries it (decode it as a
// wire.Event); deduplicate by the webhook-id header.
func VerifyWebhook(secret string, h http.Header, body []byte, now time.Time) (wire.WebhookMessage, error) {
	var msg wire.WebhookMessage
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		return msg, errors.New("weigong: the secret is not a whsec_ secret")
	}
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if id == "" || err != nil {
		return msg, ErrBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > WebhookTolerance || d < -WebhookTolerance {
		return msg, ErrBadSignature
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	expected := mac.Sum(nil)
	ok := false
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		version, b64, found := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(b64)
		ok = ok || (found && version == "v1" && err == nil && hmac.Equal(got, expected))
	}
	if !ok {
		return msg, ErrBadSignature
	}
	return msg, json.Unmarshal(body, &msg)
}
