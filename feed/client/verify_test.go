package client_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/weigong/weigong/feed/client"
)

// TestVerifyWebhook_Spec checks the verifier against the Standard
// Webhooks example (secret, id, timestamp, body and signature from the
// spec's reference libraries), and that it refuses a changed body, a
// wrong secret and a stale timestamp.
func TestVerifyWebhook_Spec(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"type":"ping","timestamp":"2021-02-25T15:02:10Z","data":{}}`)
	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	at := time.Unix(1614265330, 0)
	if _, err := client.VerifyWebhook(secret, h, []byte(`{"test": 2432232314}`), at); err != nil {
		t.Fatalf("the spec's example does not verify: %v", err)
	}
	if _, err := client.VerifyWebhook(secret, h, body, at); !errors.Is(err, client.ErrBadSignature) {
		t.Fatalf("a changed body: %v", err)
	}
	if _, err := client.VerifyWebhook("whsec_"+"AAAA"+secret[10:], h, []byte(`{"test": 2432232314}`), at); !errors.Is(err, client.ErrBadSignature) {
		t.Fatalf("a wrong secret: %v", err)
	}
	if _, err := client.VerifyWebhook(secret, h, []byte(`{"test": 2432232314}`), at.Add(6*time.Minute)); !errors.Is(err, client.ErrBadSignature) {
		t.Fatalf("a stale timestamp: %v", err)
	}
}
