package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestResources_UploadsFairAcrossAccounts ensures one supplier's burst of
// uploads does not make another supplier wait behind all of it. Supplier
// A keeps 24 large photos in flight; meanwhile supplier B uploads one
// small photo and posts a card (with an Idempotency-Key). Each of B's
// requests must take less than half the median time of A's uploads under
// the same load: uploads in flight are capped per account, so B's photo
// queues behind a few of A's, not behind the whole burst. (Before the cap,
// B's photo waited about as long as A's.) Timings are compared with each
// other, never with absolute bounds.
func TestResources_UploadsFairAcrossAccounts(t *testing.T) {
	p := startBinary(t)
	a := p.signUp(t, "supplier", "flood_a")
	b := p.signUp(t, "supplier", "quiet_b")
	bImage := p.upload(t, b.token)
	heavy := multipartFile("image", "a.jpg", syntheticJPEG(t, 2400, 1800, false))
	small := multipartFile("image", "b.jpg", syntheticJPEG(t, 320, 240, false))
	client := &http.Client{Timeout: 60 * time.Second}
	post := func(token string, form *multipartBody) (int, time.Duration, error) {
		req, err := http.NewRequest("POST", "http://"+p.addr+"/v1/images", bytes.NewReader(form.data))
		if err != nil {
			return 0, 0, err
		}
		req.Header.Set("Content-Type", form.ctype)
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, time.Since(start), err
	}

	const flooders = 24
	var (
		mu    sync.Mutex
		times []time.Duration // A's upload times since the last reset
		done  = make(chan struct{})
		wg    sync.WaitGroup
	)
	for range flooders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				status, took, err := post(a.token, heavy)
				switch {
				case err != nil:
					t.Errorf("A's upload: %v", err)
					return
				case status == http.StatusCreated:
					mu.Lock()
					times = append(times, took)
					mu.Unlock()
				case status == http.StatusTooManyRequests:
					time.Sleep(100 * time.Millisecond)
				default:
					t.Errorf("A's upload = %d", status)
					return
				}
			}
		}()
	}
	stopFlood := func() {
		close(done)
		finished := make(chan struct{})
		go func() { wg.Wait(); close(finished) }()
		select {
		case <-finished:
		case <-time.After(90 * time.Second):
			t.Error("A's uploads did not stop within 90 s")
		}
	}
	// waitForA waits (bounded) until A has completed n uploads since the
	// last reset, and returns their times.
	waitForA := func(n int) []time.Duration {
		deadline := time.Now().Add(90 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			got := slices.Clone(times)
			mu.Unlock()
			if len(got) >= n {
				return got
			}
			time.Sleep(20 * time.Millisecond)
		}
		stopFlood()
		t.Fatalf("A completed fewer than %d uploads in 90 s", n)
		return nil
	}

	// One full round of A's burst first, so that B arrives in the steady
	// state, with A's queue full.
	waitForA(flooders)
	mu.Lock()
	times = nil
	mu.Unlock()

	status, bUpload, err := post(b.token, small)
	if err != nil || status != http.StatusCreated {
		stopFlood()
		t.Fatalf("B's upload = %d, %v; want 201", status, err)
	}
	start := time.Now()
	card := map[string]any{"title": "B's card", "description": "d", "image_ids": []string{bImage},
		"cost_price": 1000, "retail_price": 2000}
	req, _ := http.NewRequest("POST", "http://"+p.addr+"/v1/cards", bytes.NewReader(mustJSON(t, card)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "b-card-1")
	p.send(t, req, b.token, http.StatusCreated, nil)
	bCard := time.Since(start)

	aTimes := waitForA(flooders / 2)
	stopFlood()
	slices.Sort(aTimes)
	median := aTimes[len(aTimes)/2]
	t.Logf("A's uploads: median %v over %d; B's upload %v, B's card %v", median, len(aTimes), bUpload, bCard)
	for name, took := range map[string]time.Duration{"B's upload": bUpload, "B's card post": bCard} {
		if took >= median/2 {
			t.Errorf("%s took %v, A's median upload %v: want less than half (it waited behind A's burst)", name, took, median)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
