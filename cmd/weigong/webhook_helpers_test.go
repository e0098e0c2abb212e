package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// verifyWebhook checks a Standard Webhooks v1 signature, written from the
// spec and independent of the sender: HMAC-SHA256 keyed with the base64
// part of the secret after "whsec_", over id.timestamp.body, against any
// of the space-separated "v1,<base64>" signatures.
func verifyWebhook(secret string, h http.Header, body []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	io.WriteString(mac, h.Get("webhook-id")+"."+h.Get("webhook-timestamp")+"."+string(body))
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		v, b64, _ := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(b64)
		if v == "v1" && err == nil && hmac.Equal(got, want) {
			return true
		}
	}
	return false
}

// hookMessage is one verified webhook request.
type hookMessage struct {
	ID     string
	Body   []byte
	Type   string
	Header http.Header
}

// hookReceiver is a webhook endpoint on 127.0.0.1 that checks every
// signature and keeps what it got.
type hookReceiver struct {
	*httptest.Server
	t      *testing.T
	mu     sync.Mutex
	secret string
	got    []hookMessage
	status int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{t: t, status: http.StatusNoContent}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var env struct{ Type string }
		_ = json.Unmarshal(body, &env)
		r.mu.Lock()
		if !verifyWebhook(r.secret, req.Header, body) {
			r.t.Errorf("webhook %s: bad signature", req.Header.Get("webhook-id"))
		}
		r.got = append(r.got, hookMessage{ID: req.Header.Get("webhook-id"), Body: body, Type: env.Type, Header: req.Header.Clone()})
		status := r.status
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

// register creates a webhook for token's account that sends events to r.
func (r *hookReceiver) register(n *testNode, token string, events ...string) string {
	n.t.Helper()
	var hook struct{ ID, Secret string }
	n.must(201, "POST", "/v1/webhooks", token, map[string]any{"url": r.URL + "/hook", "events": events}).decode(n.t, &hook)
	r.mu.Lock()
	r.secret = hook.Secret
	r.mu.Unlock()
	return hook.ID
}

// messages returns what r has received so far.
func (r *hookReceiver) messages() []hookMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookMessage(nil), r.got...)
}

// waitFor waits (bounded) until r has a message of type typ and returns
// every message so far.
func (r *hookReceiver) waitFor(typ string) []hookMessage {
	r.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		got := r.messages()
		for _, m := range got {
			if m.Type == typ {
				return got
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.t.Fatalf("no %s webhook within 15 s (got %d messages)", typ, len(r.messages()))
	return nil
}

// allowPrivateWebhooks lets a test node send webhooks to 127.0.0.1.
func allowPrivateWebhooks(cfg *serveConfig) { cfg.AllowPrivateWebhooks = true }
