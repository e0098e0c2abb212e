package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog/wire"
	"github.com/weigong/weigong/feed/client"
)

// freePort returns a loopback port that was free a moment ago, so that
// restarts of the binary keep one address the client reconnects to.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// TestClient_SubscribeResumesAcrossRestarts ensures the client's
// subscription loses and doubles nothing while the server is killed with
// SIGKILL twice and started again on the same address: every card posted
// reaches the handler exactly once, in order.
func TestClient_SubscribeResumesAcrossRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, data, port := weigongBinary(t), t.TempDir(), freePort(t)
	start := func() *rstProc { return rstStart(t, bin, data, "--addr", "127.0.0.1:"+port) }
	p := start()
	sup := p.signUp(t, "supplier", "resume_sup")
	dist := p.signUp(t, "distributor", "resume_dist")
	p.call(t, http.StatusOK, "PUT", "/v1/suppliers/"+sup.id+"/follow", dist.token, nil, nil)
	img := p.upload(t, sup.token)

	c := client.New("http://127.0.0.1:"+port, dist.token)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, cursor, err := c.Events(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	seen := map[string]int{}
	done := make(chan error, 1)
	go func() {
		done <- c.Subscribe(ctx, client.SubscribeOptions{After: cursor, MinBackoff: 20 * time.Millisecond, MaxBackoff: 300 * time.Millisecond},
			func(ev wire.Event) error {
				if ev.Type == "card.published" {
					mu.Lock()
					got = append(got, ev.Card.ID)
					seen[ev.Card.ID]++
					mu.Unlock()
				}
				return nil
			})
	}()

	var posted []string
	post := func(n int) {
		for range n {
			var card struct{ ID string }
			p.call(t, http.StatusCreated, "POST", "/v1/cards", sup.token, map[string]any{"title": fmt.Sprintf("resume %d", len(posted)),
				"image_ids": []string{img}, "cost_price": 100, "retail_price": 200}, &card)
			posted = append(posted, card.ID)
		}
	}
	post(10)
	p.kill(t)
	p = start()
	post(10)
	time.Sleep(50 * time.Millisecond)
	p.kill(t)
	p = start()
	post(5)

	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= len(posted) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Subscribe ended with %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(got) != fmt.Sprint(posted) {
		t.Fatalf("the client got %d cards %v, want %d in order %v", len(got), got, len(posted), posted)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("card %s handled %d times", id, n)
		}
	}
}
