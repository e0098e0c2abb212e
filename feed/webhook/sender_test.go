package webhook_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/weigong/weigong/feed/internal/feedtest"
	"github.com/weigong/weigong/feed/webhook"
	"github.com/weigong/weigong/storage"
)

func newSender(db *storage.DB, clock *fakeClock) *webhook.Sender {
	s := webhook.NewSender(db, &webhook.Guard{AllowPrivate: true}, nil)
	if clock != nil {
		s.Now = clock.Now
	}
	return s
}

// waitDelivery waits (bounded) until the delivery has n attempts.
func waitDelivery(t *testing.T, db *storage.DB, w webhook.Webhook, id string, n int) webhook.Delivery {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := db.Delivery(ctx, w.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Attempts) >= n {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery has %d attempts after 10 s, want %d", len(d.Attempts), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSender_RetrySchedule walks a delivery to a failing endpoint through
// the whole schedule with a clock the test moves: each retry waits what
// API.md lists, and after the ninth retry the delivery has failed and no
// more attempts are made.
func TestSender_RetrySchedule(t *testing.T) {
	db := feedtest.OpenBolt(t)
	rec := newReceiver(t, func(int, http.ResponseWriter) int { return 500 })
	w := hook(t, db, rec.URL, rec)
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: start}
	enqueue(t, db, w, 1, 1, start)
	s := newSender(db, clock)
	runSender(t, s)
	id := webhookDeliveryID(1)
	want := []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour,
		10 * time.Hour, 14 * time.Hour, 20 * time.Hour, 24 * time.Hour}
	for i, wait := range want {
		d := waitDelivery(t, db, w, id, i+1)
		if d.State != webhook.Pending {
			t.Fatalf("after attempt %d the delivery is %s", i+1, d.State)
		}
		at := d.Attempts[i].At
		if got := d.NextAt.Sub(at); got != wait {
			t.Fatalf("after attempt %d the next is in %s, want %s", i+1, got, wait)
		}
		clock.Set(at.Add(wait - time.Second))
		s.Kick()
		time.Sleep(20 * time.Millisecond)
		if n := rec.count(); n != i+1 {
			t.Fatalf("retry %d went out %s early (%d requests)", i+1, time.Second, n)
		}
		clock.Set(d.NextAt)
		s.Kick()
	}
	d := waitDelivery(t, db, w, id, 10)
	if d.State != webhook.Failed || d.Attempts[9].Status != 500 {
		t.Fatalf("after the last retry: %s, %+v", d.State, d.Attempts[9])
	}
	clock.Set(clock.Now().Add(48 * time.Hour))
	s.Kick()
	time.Sleep(50 * time.Millisecond)
	if rec.count() != 10 {
		t.Fatalf("%d requests, want 10", rec.count())
	}
}

// TestSender_RetryAfterAndGone ensures a Retry-After replaces the
// scheduled wait, and a 410 fails the delivery and disables the endpoint.
func TestSender_RetryAfterAndGone(t *testing.T) {
	db := feedtest.OpenBolt(t)
	rec := newReceiver(t, func(n int, w http.ResponseWriter) int {
		if n == 1 {
			w.Header().Set("Retry-After", "120")
			return 503
		}
		return 410
	})
	w := hook(t, db, rec.URL, rec)
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: start}
	enqueue(t, db, w, 7, 1, start)
	s := newSender(db, clock)
	runSender(t, s)
	id := webhookDeliveryID(7)
	d := waitDelivery(t, db, w, id, 1)
	if got := d.NextAt.Sub(d.Attempts[0].At); got != 120*time.Second {
		t.Fatalf("after Retry-After: 120 the next attempt is in %s", got)
	}
	clock.Set(d.NextAt)
	s.Kick()
	d = waitDelivery(t, db, w, id, 2)
	if d.State != webhook.Failed {
		t.Fatalf("after 410 the delivery is %s", d.State)
	}
	got, err := db.Webhook(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Enabled || got.DisabledReason == "" {
		t.Fatalf("after 410 the webhook is enabled=%v reason=%q", got.Enabled, got.DisabledReason)
	}
}

// TestSender_DeadEndpointDoesNotDelayOthers ensures an endpoint that
// never answers, with a long queue, holds only its own slots: a healthy
// endpoint's deliveries all arrive while every request to the dead one
// is still waiting.
func TestSender_DeadEndpointDoesNotDelayOthers(t *testing.T) {
	db := feedtest.OpenBolt(t)
	release := make(chan struct{})
	dead := newReceiver(t, func(int, http.ResponseWriter) int { <-release; return 204 })
	healthy := newReceiver(t, nil)
	now := time.Now().UTC()
	wDead := hook(t, db, dead.URL, dead)
	wOK := hook(t, db, healthy.URL, healthy)
	enqueue(t, db, wDead, 1, 200, now)
	enqueue(t, db, wOK, 1, 50, now)
	s := newSender(db, nil)
	s.Total = 8
	runSender(t, s)
	t.Cleanup(func() { close(release) }) // before the sender stops and the receivers close
	start := time.Now()
	healthy.wait(50)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the healthy endpoint's 50 deliveries took %s", took)
	}
	if n := dead.count(); n > s.PerEndpoint {
		t.Fatalf("the dead endpoint holds %d requests, more than its %d slots", n, s.PerEndpoint)
	}
}

// TestSender_NoAnswerAndRedirectsAreFailures ensures an endpoint that does
// not answer within the client's timeout gets a failed attempt (no
// status, an error) and a retry on the schedule, and that a redirect is
// not followed: the attempt fails with the 3xx and the target it names is
// never reached.
func TestSender_NoAnswerAndRedirectsAreFailures(t *testing.T) {
	db := feedtest.OpenBolt(t)
	release := make(chan struct{})
	silent := newReceiver(t, func(int, http.ResponseWriter) int { <-release; return 204 })
	target := newReceiver(t, nil)
	redirect := newReceiver(t, func(_ int, w http.ResponseWriter) int {
		w.Header().Set("Location", target.URL+"/elsewhere")
		return http.StatusTemporaryRedirect
	})
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: start}
	wSilent, wRedirect := hook(t, db, silent.URL, silent), hook(t, db, redirect.URL, redirect)
	enqueue(t, db, wSilent, 1, 1, start)
	enqueue(t, db, wRedirect, 1, 1, start)
	s := newSender(db, clock)
	s.Client = (&webhook.Guard{AllowPrivate: true}).Client(300*time.Millisecond, 4)
	runSender(t, s)
	t.Cleanup(func() { close(release) })

	d := waitDelivery(t, db, wSilent, webhookDeliveryID(1), 1)
	if a := d.Attempts[0]; a.Status != 0 || a.Error == "" || d.State != webhook.Pending || d.NextAt != a.At.Add(5*time.Second) {
		t.Fatalf("no answer: %+v, state %s, next %s", a, d.State, d.NextAt)
	}
	d = waitDelivery(t, db, wRedirect, webhookDeliveryID(1), 1)
	if a := d.Attempts[0]; a.Status != http.StatusTemporaryRedirect || a.Error == "" || d.State != webhook.Pending {
		t.Fatalf("redirect: %+v, state %s", a, d.State)
	}
	if target.count() != 0 {
		t.Fatal("the redirect was followed")
	}
}
