package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// readResult is one endpoint measured under load.
type readResult struct {
	name          string
	requests      int
	errors        int
	rps           float64
	p50, p99, max time.Duration
}

// feedCursors walks the distributor's feed once and keeps the cursor of
// every page up to depth, so that the load can ask for deeper pages
// without walking them itself.
func feedCursors(addr, token string, depth int) ([]string, error) {
	var cursors []string
	next := ""
	for range depth {
		path := "/v1/feed?limit=20"
		if next != "" {
			path += "&before=" + url.QueryEscape(next)
		}
		var page wire.List[json.RawMessage]
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := postClient.Do(req)
		if err != nil {
			return nil, err
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: status %d, %v", path, resp.StatusCode, err)
		}
		if len(page.Items) != 20 {
			return nil, fmt.Errorf("GET %s: %d items, want 20", path, len(page.Items))
		}
		if page.Next == "" {
			break
		}
		next = page.Next
		cursors = append(cursors, next)
	}
	return cursors, nil
}

// loadGET sends GETs from concurrency workers for d and times each one.
// path returns the URL path of a worker's i-th request.
func loadGET(addr, token, name string, concurrency int, d time.Duration, path func(worker, i int) string) readResult {
	return loadRequests(name, concurrency, d, http.StatusOK, func(w, i int) *http.Request {
		req, _ := http.NewRequest("GET", "http://"+addr+path(w, i), nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req
	})
}

// loadRequests sends requests from concurrency workers for d and times
// each one; an answer other than want counts as an error. Every worker has
// its own keep-alive connection. request returns a worker's i-th request.
func loadRequests(name string, concurrency int, d time.Duration, want int, request func(worker, i int) *http.Request) readResult {
	tr := &http.Transport{MaxIdleConns: concurrency, MaxIdleConnsPerHost: concurrency, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	lats := make([][]time.Duration, concurrency)
	errs := make([]int, concurrency)
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				req := request(w, i)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs[w]++
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					errs[w]++
					continue
				}
				lats[w] = append(lats[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	res := readResult{name: name}
	var all []time.Duration
	for w := range concurrency {
		all = append(all, lats[w]...)
		res.errors += errs[w]
	}
	res.requests = len(all)
	res.rps = float64(len(all)) / elapsed.Seconds()
	if len(all) > 0 {
		res.p50, res.p99, res.max = percentiles(all)
	}
	return res
}

// runFeedReads measures GET /healthz and then GET /v1/feed the same way on
// the same server, so their ratio compares the feed with the framework's
// floor on this machine. Feed requests alternate between the first page
// and a random deeper page.
func runFeedReads(addr, token string, concurrency int, d time.Duration) (trivial, feed readResult, err error) {
	cursors, err := feedCursors(addr, token, 200)
	if err != nil {
		return trivial, feed, err
	}
	if len(cursors) == 0 {
		return trivial, feed, fmt.Errorf("feed has a single page")
	}
	trivial = loadGET(addr, "", "GET /healthz", concurrency, d, func(int, int) string { return "/healthz" })
	feed = loadGET(addr, token, "GET /v1/feed?limit=20", concurrency, d, func(_, i int) string {
		if i%2 == 0 {
			return "/v1/feed?limit=20"
		}
		return "/v1/feed?limit=20&before=" + url.QueryEscape(cursors[rand.IntN(len(cursors))])
	})
	return trivial, feed, nil
}
