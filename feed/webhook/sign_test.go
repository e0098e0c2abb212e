package webhook_test

import (
	"net/http"
	"testing"

	"github.com/weigong/weigong/feed/webhook"
)

// TestSignature_SpecExample ensures the sender signs exactly as Standard
// Webhooks v1 does: the example of the spec's reference libraries, and
// a round trip through the independent verifier of these tests.
func TestSignature_SpecExample(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"test": 2432232314}`)
	got, err := webhook.Signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,bm9wZQ== "+got)
	if !verify(secret, h, body) {
		t.Fatal("the independent verifier refuses the signature")
	}
	if verify(secret, h, []byte(`{"test": 2432232315}`)) {
		t.Fatal("the verifier accepts a changed body; the test is broken")
	}
}

// TestNewSecret_Form ensures secrets are whsec_ and 256 bits of base64.
func TestNewSecret_Form(t *testing.T) {
	a, _ := webhook.NewSecret()
	b, _ := webhook.NewSecret()
	if a == b || len(a) != len("whsec_")+44 || a[:6] != "whsec_" {
		t.Fatalf("secrets %q, %q", a, b)
	}
}
