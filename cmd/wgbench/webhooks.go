package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// webhooksResult is one run of the webhook load.
type webhooksResult struct {
	deliveries int
	perSecond  float64 // deliveries per second while the burst drained
	p50, p99   time.Duration
	missing    int
}

// hookSink is the local receiver: it records when each card's webhook
// arrived, per endpoint path.
type hookSink struct {
	mu      sync.Mutex
	arrived map[string]time.Time // path + card ID → first arrival
	first   time.Time
	last    time.Time
	changed chan struct{}
}

func (s *hookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	var msg struct {
		Data struct{ Card struct{ ID string } }
	}
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &msg)
	s.mu.Lock()
	key := r.URL.Path + " " + msg.Data.Card.ID
	if _, dup := s.arrived[key]; !dup {
		s.arrived[key] = now
		if s.first.IsZero() {
			s.first = now
		}
		s.last = now
	}
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *hookSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.arrived)
}

// waitFor waits until n webhooks have arrived, or d has passed.
func (s *hookSink) waitFor(n int, d time.Duration) {
	deadline := time.After(d)
	for s.count() < n {
		select {
		case <-s.changed:
		case <-deadline:
			return
		}
	}
}

// runWebhooks measures, on a fresh server with --allow-private-webhooks:
// throughput, with `endpoints` distributors each following one supplier
// and each with a webhook to the local receiver, while the supplier posts
// `cards` cards back to back (cards × endpoints deliveries); and latency,
// with one endpoint, from the 201 of each of `samples` cards posted one at
// a time to the arrival of its webhook.
func runWebhooks(bin string, endpoints, cards, samples int) (webhooksResult, error) {
	dir, err := os.MkdirTemp("", "wgbench-webhooks-")
	if err != nil {
		return webhooksResult{}, err
	}
	defer os.RemoveAll(dir)
	srv, err := startServer(bin, dir, "--allow-private-webhooks")
	if err != nil {
		return webhooksResult{}, err
	}
	defer srv.stop()
	sink := &hookSink{arrived: map[string]time.Time{}, changed: make(chan struct{}, 1)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return webhooksResult{}, err
	}
	recv := &http.Server{Handler: sink}
	go recv.Serve(ln)
	defer recv.Close()
	hookURL := "http://" + ln.Addr().String()

	c := &apiClient{base: "http://" + srv.addr, http: &http.Client{Timeout: 30 * time.Second}}
	sup, err := c.signUp("supplier", "hook_sup")
	if err != nil {
		return webhooksResult{}, err
	}
	img, err := c.upload(sup.Token)
	if err != nil {
		return webhooksResult{}, err
	}
	type ownedHook struct{ token, id string }
	var hooks []ownedHook
	for i := range endpoints {
		d, err := c.signUp("distributor", fmt.Sprintf("hook_d%d", i))
		if err != nil {
			return webhooksResult{}, err
		}
		if err := c.call("PUT", "/v1/suppliers/"+sup.ID+"/follow", d.Token, nil, 200, nil); err != nil {
			return webhooksResult{}, err
		}
		var hook struct{ ID string }
		if err := c.call("POST", "/v1/webhooks", d.Token, map[string]any{"url": fmt.Sprintf("%s/d%d", hookURL, i),
			"events": []string{"card.published"}}, 201, &hook); err != nil {
			return webhooksResult{}, err
		}
		hooks = append(hooks, ownedHook{d.Token, hook.ID})
	}
	post := func() (string, time.Time, error) {
		var card struct{ ID string }
		err := c.call("POST", "/v1/cards", sup.Token, map[string]any{"title": "hook bench", "image_ids": []string{img},
			"cost_price": 1000, "retail_price": 2000}, 201, &card)
		return card.ID, time.Now(), err
	}

	for range cards {
		if _, _, err := post(); err != nil {
			return webhooksResult{}, err
		}
	}
	want := cards * endpoints
	sink.waitFor(want, 5*time.Minute)
	sink.mu.Lock()
	r := webhooksResult{deliveries: len(sink.arrived), missing: want - len(sink.arrived)}
	if span := sink.last.Sub(sink.first); span > 0 {
		r.perSecond = float64(len(sink.arrived)-1) / span.Seconds()
	}
	sink.mu.Unlock()

	// Latency: keep one endpoint (the others are disabled), post one card
	// at a time and wait for its webhook before the next.
	for _, h := range hooks[:len(hooks)-1] {
		if err := c.call("PATCH", "/v1/webhooks/"+h.id, h.token, map[string]any{"enabled": false}, 200, nil); err != nil {
			return r, err
		}
	}
	path := fmt.Sprintf("/d%d", endpoints-1)
	var lat []time.Duration
	for range samples {
		id, acked, err := post()
		if err != nil {
			return r, err
		}
		key := path + " " + id
		deadline := time.Now().Add(30 * time.Second)
		for {
			sink.mu.Lock()
			at, ok := sink.arrived[key]
			sink.mu.Unlock()
			if ok {
				lat = append(lat, max(at.Sub(acked), 0))
				break
			}
			if time.Now().After(deadline) {
				r.missing++
				break
			}
			select {
			case <-sink.changed:
			case <-time.After(5 * time.Millisecond):
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.p50, r.p99, _ = percentiles(lat)
	return r, nil
}

func webhooksMain(args []string) error {
	fs := flag.NewFlagSet("webhooks", flag.ContinueOnError)
	bin := fs.String("bin", "bin/weigong", "the weigong binary to measure")
	endpoints := fs.Int("endpoints", 20, "throughput: distributors with a webhook each, following one supplier")
	cards := fs.Int("cards", 100, "throughput: cards posted back to back")
	samples := fs.Int("samples", 200, "latency: cards posted one at a time to one endpoint")
	runs := fs.Int("runs", 3, "runs, each on a fresh server; medians are quoted")
	out := fs.String("out", "docs/BENCHMARKS.md", `markdown file whose "Webhooks" section is replaced ("" = print only)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var rs []webhooksResult
	var loads []string
	for i := range *runs {
		loads = append(loads, loadAverage())
		progress("webhooks run %d/%d (load average %s)", i+1, *runs, loads[i])
		r, err := runWebhooks(*bin, *endpoints, *cards, *samples)
		if err != nil {
			return err
		}
		progress("webhooks: %.0f deliveries/s, commit→delivery p50 %s p99 %s, missing %d", r.perSecond, ms(r.p50), ms(r.p99), r.missing)
		rs = append(rs, r)
	}
	ri := runInfo{command: "go run ./cmd/wgbench " + strings.Join(os.Args[1:], " "), date: time.Now().UTC().Format("2006-01-02"),
		runs: *runs, loads: loads}
	sec := webhooksSection(ri, *endpoints, *cards, *samples, rs)
	fmt.Print(sec)
	if *out == "" {
		return nil
	}
	return replaceSections(*out, sec)
}

func webhooksSection(ri runInfo, endpoints, cards, samples int, rs []webhooksResult) string {
	var b strings.Builder
	b.WriteString("## Webhooks\n\n")
	fmt.Fprintf(&b, "Throughput: %d distributors follow one supplier, each with a webhook (`card.published`) to one receiver on loopback; the supplier posts %d cards back to back, so %d signed deliveries go out; the rate is taken from the first arrival to the last. Latency: one webhook left enabled, %d cards posted one at a time, each timed from its 201 (the commit) to its webhook's arrival: the fan-out tailer's wake-up and its fsynced transaction of deliveries, the sender's wake-up, the signed POST. Attempts are then recorded in batches, one fsynced transaction per batch (up to 256 attempts), while the card posts and the fan-out's delivery rows take their own fsynced transactions from the same single bbolt writer: that writer, not the HTTP posting, is what bounds the rate.\n\n", endpoints, cards, cards*endpoints, samples)
	ri.header(&b)
	b.WriteString("| run | delivered | deliveries/s | commit→delivery p50 | p99 | missing |\n|---|---|---|---|---|---|\n")
	for i, r := range rs {
		fmt.Fprintf(&b, "| %d | %d | %.0f | %s | %s | %d |\n", i+1, r.deliveries, r.perSecond, ms(r.p50), ms(r.p99), r.missing)
	}
	fmt.Fprintf(&b, "\nMedians: %.0f deliveries/s; commit→delivery p50 %s, p99 %s.\n\n",
		median(pick(rs, func(r webhooksResult) float64 { return r.perSecond })),
		ms(median(pick(rs, func(r webhooksResult) time.Duration { return r.p50 }))),
		ms(median(pick(rs, func(r webhooksResult) time.Duration { return r.p99 }))))
	return b.String()
}
