package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestBinary_WebhookDeliveredAfterSIGKILL ensures at least once across a
// crash: cards committed (201) while the receiver holds every request
// unanswered are delivered after the binary is killed with SIGKILL and
// started again, whether the kill came before the change was turned into
// a delivery or while the delivery was in flight; each webhook-id is
// delivered with a valid signature, and none is lost.
func TestBinary_WebhookDeliveredAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := weigongBinary(t)
	data := t.TempDir()

	var mu sync.Mutex
	secret := ""
	holding := true
	acked := map[string]string{} // card ID → webhook-id, acknowledged after the restart
	arrived := 0
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		arrived++
		hold, key := holding, secret
		mu.Unlock()
		if hold {
			<-r.Context().Done() // the sender dies with the binary
			return
		}
		if !verifyWebhook(key, r.Header, body) {
			t.Errorf("bad signature on %s", r.Header.Get("webhook-id"))
		}
		var msg struct {
			Type string
			Data struct{ Card struct{ ID string } }
		}
		_ = json.Unmarshal(body, &msg)
		mu.Lock()
		if msg.Type == "card.published" {
			acked[msg.Data.Card.ID] = r.Header.Get("webhook-id")
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()

	p := rstStart(t, bin, data, "--allow-private-webhooks")
	sup := p.signUp(t, "supplier", "crash_hook_sup")
	dist := p.signUp(t, "distributor", "crash_hook_dist")
	p.call(t, http.StatusOK, "PUT", "/v1/suppliers/"+sup.id+"/follow", dist.token, nil, nil)
	var hook struct{ Secret string }
	p.call(t, http.StatusCreated, "POST", "/v1/webhooks", dist.token,
		map[string]any{"url": recv.URL, "events": []string{"card.published"}}, &hook)
	mu.Lock()
	secret = hook.Secret
	mu.Unlock()
	img := p.upload(t, sup.token)
	var posted []string
	for i := range 8 {
		var card struct{ ID string }
		p.call(t, http.StatusCreated, "POST", "/v1/cards", sup.token, map[string]any{"title": fmt.Sprintf("crash hook %d", i),
			"image_ids": []string{img}, "cost_price": 100, "retail_price": 200}, &card)
		posted = append(posted, card.ID)
	}
	p.kill(t) // right after the last commit: the last cards are at most in the log
	mu.Lock()
	before := arrived
	holding = false
	mu.Unlock()
	t.Logf("%d requests reached the receiver before the kill, none answered", before)

	p = rstStart(t, bin, data, "--allow-private-webhooks")
	defer p.kill(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n == len(posted) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart %d of %d cards were delivered", n, len(posted))
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range posted {
		if acked[id] == "" {
			t.Errorf("card %s never delivered", id)
		}
	}
}
