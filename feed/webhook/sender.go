package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// Concurrency bounds: a dead endpoint (every attempt waits out the 15 s
// timeout) holds at most PerEndpoint of the Total slots, so every other
// endpoint keeps being served.
const (
	DefaultPerEndpoint = 4
	DefaultTotal       = 64
	// idlePoll is the longest the sender sleeps without being kicked, so
	// that deliveries made due by another node or a moved clock go out.
	idlePoll = time.Second
	// maxResponseRead bounds how much of a receiver's answer is read.
	maxResponseRead = 64 << 10
)

// Sender posts due deliveries. One runs per node (on bbolt there is one
// node); it keeps no state that is not in the Store beyond what is in
// flight, so a restart resumes where the stored deliveries stand.
type Sender struct {
	Store  Store
	Client *http.Client
	// Now is the clock that decides what is due and stamps attempts;
	// tests replace it to walk the retry schedule.
	Now         func() time.Time
	PerEndpoint int
	Total       int
	Logger      *slog.Logger

	kick chan struct{}
}

// recordBatch bounds how many attempts one transaction records.
const recordBatch = 256

// outcome is a finished attempt waiting to be recorded.
type outcome struct {
	f flight
	d Delivery
}

// NewSender returns a sender with the default bounds and a guarded client.
func NewSender(store Store, guard *Guard, log *slog.Logger) *Sender {
	return &Sender{Store: store, Client: guard.Client(Timeout, DefaultPerEndpoint), Logger: log,
		Now: func() time.Time { return time.Now().UTC() }, PerEndpoint: DefaultPerEndpoint, Total: DefaultTotal,
		kick: make(chan struct{}, 1)}
}

// Kick wakes the sender: a delivery may be due now. It never blocks.
func (s *Sender) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// flight is one attempt in progress.
type flight struct{ webhookID, deliveryID string }

// Run sends due deliveries until ctx ends; attempts in flight then finish
// (each within Timeout) before Run returns.
func (s *Sender) Run(ctx context.Context) error {
	if s.kick == nil {
		s.kick = make(chan struct{}, 1)
	}
	inFlight := map[flight]bool{}
	perHook := map[string]int{}
	done := make(chan flight)
	outcomes := make(chan outcome, recordBatch)
	go s.record(context.WithoutCancel(ctx), outcomes, done)
	defer func() {
		for range inFlight {
			<-done
		}
		close(outcomes)
	}()
	for {
		wait := s.startDue(ctx, inFlight, perHook, outcomes)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-s.kick:
		case f := <-done:
			// A batch of attempts ends together: take every one that has
			// before looking for due deliveries again.
			for {
				delete(inFlight, f)
				perHook[f.webhookID]--
				select {
				case f = <-done:
					continue
				default:
				}
				break
			}
		case <-timer.C:
		}
		timer.Stop()
	}
}

// startDue starts every due delivery the bounds allow, and returns how
// long to sleep before looking again.
func (s *Sender) startDue(ctx context.Context, inFlight map[flight]bool, perHook map[string]int, outcomes chan<- outcome) time.Duration {
	hooks, err := s.Store.EnabledWebhooks(ctx)
	if err != nil {
		s.logger().Error("webhooks: listing endpoints", "err", err)
		return idlePoll
	}
	now := s.Now()
	wait := idlePoll
	for _, w := range hooks {
		free := min(s.PerEndpoint-perHook[w.ID], s.Total-len(inFlight))
		if free <= 0 {
			continue
		}
		due, err := s.Store.DueDeliveries(ctx, w.ID, now, free+perHook[w.ID])
		if err != nil {
			s.logger().Error("webhooks: reading due deliveries", "webhook", w.ID, "err", err)
			continue
		}
		for _, d := range due {
			f := flight{w.ID, d.ID}
			if inFlight[f] || free == 0 {
				continue
			}
			inFlight[f] = true
			perHook[w.ID]++
			free--
			go func() {
				outcomes <- outcome{f, s.attempt(context.WithoutCancel(ctx), w, d)}
			}()
		}
		if next, ok, err := s.Store.NextDue(ctx, w.ID); err == nil && ok && next.After(now) {
			wait = min(wait, next.Sub(now))
		}
	}
	return wait
}

// record writes finished attempts, as many as are waiting (up to
// recordBatch) in one transaction, so that a burst costs one fsync per
// batch rather than one per attempt; only then does it report each
// attempt done, so a delivery is not picked again before its outcome is
// stored.
func (s *Sender) record(ctx context.Context, outcomes <-chan outcome, done chan<- flight) {
	for first := range outcomes {
		batch := []outcome{first}
	more:
		for len(batch) < recordBatch {
			select {
			case o, ok := <-outcomes:
				if !ok {
					break more
				}
				batch = append(batch, o)
			default:
				break more
			}
		}
		ds := make([]Delivery, len(batch))
		for i, o := range batch {
			ds[i] = o.d
		}
		if err := s.Store.SaveDeliveries(ctx, ds); err != nil {
			s.logger().Error("webhooks: recording attempts", "attempts", len(ds), "err", err)
		}
		for _, o := range batch {
			done <- o.f
		}
	}
}

// attempt posts one delivery and returns it with the outcome: 2xx
// succeeds; 410 fails it and disables the endpoint; anything else
// (including no answer within Timeout, and any redirect) is retried on
// the schedule or at the receiver's Retry-After, until the retries run
// out.
func (s *Sender) attempt(ctx context.Context, w Webhook, d Delivery) Delivery {
	at := s.Now()
	status, retryAfter, latency, err := s.post(ctx, w, d, at)
	a := Attempt{At: at, Status: status, LatencyMS: latency.Milliseconds()}
	if err != nil {
		a.Error = err.Error()
	} else if status < 200 || status > 299 {
		a.Error = "answered " + strconv.Itoa(status)
	}
	d.Attempts = append(d.Attempts, a)
	switch {
	case a.Error == "":
		d.State = Succeeded
	case status == http.StatusGone:
		d.State = Failed
		s.disable(ctx, w, "the endpoint answered 410 Gone")
	default:
		next, ok := nextAttempt(s.Now(), len(d.Attempts), retryAfter)
		d.NextAt = next
		if !ok {
			d.State = Failed
		}
	}
	return d
}

// post sends the signed request and returns the status, Retry-After and
// how long the exchange took.
func (s *Sender) post(ctx context.Context, w Webhook, d Delivery, at time.Time) (int, string, time.Duration, error) {
	ts := at.Unix()
	sig, err := Signature(w.Secret, d.MessageID(), ts, d.Payload)
	if err != nil {
		return 0, "", 0, fmt.Errorf("signing: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, "", 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Weigong-Webhooks/1")
	req.Header.Set("webhook-id", d.MessageID())
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	start := time.Now()
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, "", time.Since(start), err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseRead))
	return resp.StatusCode, resp.Header.Get("Retry-After"), time.Since(start), nil
}

// disable turns an endpoint off after a 410.
func (s *Sender) disable(ctx context.Context, w Webhook, reason string) {
	cur, err := s.Store.Webhook(ctx, w.ID)
	if err != nil {
		return
	}
	cur.Enabled, cur.DisabledReason, cur.UpdatedAt = false, reason, s.Now()
	if err := s.Store.UpdateWebhook(ctx, cur); err != nil {
		s.logger().Error("webhooks: disabling an endpoint", "webhook", w.ID, "err", err)
	}
}

func (s *Sender) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
