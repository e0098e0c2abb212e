package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/weigong/weigong/feed/webhook"
	"github.com/weigong/weigong/storage"
)

var ctx = context.Background()

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// verify checks a Standard Webhooks v1 signature with an implementation
// written from the spec (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
// "Verifying webhook authenticity"), independent of the sender's: the
// signed content is id + "." + timestamp + "." + body; the key is the
// base64 part of the secret after "whsec_"; the header holds one or more
// space-separated "v1,<base64>" signatures.
func verify(secret string, h http.Header, body []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	content := h.Get("webhook-id") + "." + h.Get("webhook-timestamp") + "." + string(body)
	mac := hmac.New(sha256.New, key)
	io.WriteString(mac, content)
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		version, b64, ok := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(b64)
		if ok && version == "v1" && err == nil && hmac.Equal(got, want) {
			return true
		}
	}
	return false
}

// receiver is a webhook endpoint on 127.0.0.1 that records what it gets
// and answers with status(n), n counting requests from 1.
type receiver struct {
	*httptest.Server
	t      *testing.T
	secret string
	mu     sync.Mutex
	bodies [][]byte
	ids    []string
	got    chan struct{}
	status func(n int, w http.ResponseWriter) int
}

func newReceiver(t *testing.T, status func(n int, w http.ResponseWriter) int) *receiver {
	r := &receiver{t: t, status: status, got: make(chan struct{}, 1000)}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	if r.secret != "" && !verify(r.secret, req.Header, body) {
		r.t.Errorf("bad signature on %s", req.Header.Get("webhook-id"))
	}
	r.bodies = append(r.bodies, body)
	r.ids = append(r.ids, req.Header.Get("webhook-id"))
	n := len(r.bodies)
	r.mu.Unlock()
	code := http.StatusNoContent
	if r.status != nil {
		code = r.status(n, w)
	}
	w.WriteHeader(code)
	r.got <- struct{}{}
}

// wait waits (bounded) for n more requests.
func (r *receiver) wait(n int) {
	r.t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-r.got:
		case <-time.After(10 * time.Second):
			r.t.Fatalf("receiver got %d of %d requests in 10 s", i, n)
		}
	}
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// hook stores an enabled webhook to url and points rec's verifier at it.
func hook(t *testing.T, db *storage.DB, url string, rec *receiver) webhook.Webhook {
	t.Helper()
	secret, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	w := webhook.Webhook{ID: newID(), AccountID: newID(), URL: url, Events: []string{"*"}, Secret: secret,
		Enabled: true, CreatedAt: time.Now().UTC()}
	if err := db.CreateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	if rec != nil {
		rec.mu.Lock()
		rec.secret = secret
		rec.mu.Unlock()
	}
	return w
}

// enqueue stores n deliveries for w, due at at.
func enqueue(t *testing.T, db *storage.DB, w webhook.Webhook, first uint64, n int, at time.Time) {
	t.Helper()
	var ds []webhook.Delivery
	for i := 0; i < n; i++ {
		seq := first + uint64(i)
		ds = append(ds, webhook.Delivery{ID: webhookDeliveryID(seq), WebhookID: w.ID, AccountID: w.AccountID, Seq: seq,
			Type: "card.published", Payload: []byte(`{"type":"card.published","timestamp":"2026-01-01T00:00:00Z","data":{}}`),
			State: webhook.Pending, NextAt: at, CreatedAt: at})
	}
	if err := db.AddDeliveries(ctx, ds); err != nil {
		t.Fatal(err)
	}
}

func webhookDeliveryID(seq uint64) string { return fmt.Sprintf("%016x%08x", seq, 0) }

// runSender runs s until the test ends.
func runSender(t *testing.T, s *webhook.Sender) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("sender did not stop within 20 s")
		}
	})
}
