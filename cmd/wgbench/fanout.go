package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// fanoutResult is one fan-out run.
type fanoutResult struct {
	clients, cards     int
	delivered, missing int
	closed             int // clients whose socket ended early
	perSecond          float64
	p50, p99, max      time.Duration
	early              int           // receipts that arrived before the 201 did
	sendP99            time.Duration // p99 from sending each POST to each receipt
	postMean           time.Duration // mean POST /v1/cards round trip under fan-out
	rssIdleKiB         float64
	rssBefore, rssIdle int64
}

// fanClient is one distributor's socket. Only its own reader goroutine
// writes got; the main goroutine reads it after wg.Wait.
type fanClient struct {
	conn *websocket.Conn
	got  map[string]time.Time // card ID → receipt time
}

var cardIDPrefix = []byte(`"card":{"id":"`)

// cardID finds the card ID in a frame without decoding all of it: the
// client shares two cores with the server, so a full JSON decode of every
// frame would take CPU from the thing being measured.
func cardID(msg []byte) (string, bool) {
	if i := bytes.Index(msg, cardIDPrefix); i >= 0 {
		rest := msg[i+len(cardIDPrefix):]
		if j := bytes.IndexByte(rest, '"'); j > 0 {
			return string(rest[:j]), true
		}
	}
	var f struct {
		Type string `json:"type"`
		Card struct {
			ID string `json:"id"`
		} `json:"card"`
	}
	if json.Unmarshal(msg, &f) != nil || f.Type != "card.published" {
		return "", false
	}
	return f.Card.ID, true
}

// runFanout connects one socket per token, waits until every one is past
// "ready" and idle, then posts cards one after another and collects
// every socket's receipts.
func runFanout(srv *server, data seeded, cards int, pause time.Duration) (fanoutResult, error) {
	res := fanoutResult{clients: len(data.fanTokens), cards: cards}
	var err error
	if res.rssBefore, err = srv.rssKiB(); err != nil {
		return res, err
	}
	clients, err := connectAll(srv.addr, data.fanTokens)
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.conn.Close()
			}
		}
	}()
	if err != nil {
		return res, err
	}
	time.Sleep(2 * time.Second) // let the server settle into idle
	if res.rssIdle, err = srv.rssKiB(); err != nil {
		return res, err
	}
	res.rssIdleKiB = float64(res.rssIdle-res.rssBefore) / float64(len(clients))

	want := int64(len(clients) * cards)
	var received atomic.Int64
	var closed atomic.Int64
	allIn := make(chan struct{})
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, msg, err := c.conn.ReadMessage()
				if err != nil {
					closed.Add(1)
					return
				}
				at := time.Now()
				if id, ok := cardID(msg); ok {
					if _, dup := c.got[id]; !dup {
						c.got[id] = at
						if received.Add(1) == want {
							close(allIn)
						}
					}
				}
			}
		}()
	}

	firstPost := time.Now()
	acked := map[string]time.Time{}
	sent := map[string]time.Time{}
	var postTotal time.Duration
	for i := range cards {
		t0 := time.Now()
		id, at, err := postCard(srv.addr, data, i)
		if err != nil {
			return res, err
		}
		acked[id], sent[id] = at, t0
		postTotal += at.Sub(t0)
		time.Sleep(pause)
	}
	res.postMean = postTotal / time.Duration(cards)
	select {
	case <-allIn:
	case <-time.After(30 * time.Second):
		progress("fan-out: gave up waiting, %d of %d deliveries", received.Load(), want)
	}
	res.closed = int(closed.Load())
	for _, c := range clients {
		c.conn.Close()
	}
	wg.Wait()

	var lat, fromSend []time.Duration
	var last time.Time
	for _, c := range clients {
		for id, at := range c.got {
			ack, ok := acked[id]
			if !ok {
				continue
			}
			fromSend = append(fromSend, at.Sub(sent[id]))
			d := at.Sub(ack)
			if d < 0 {
				res.early++
			}
			lat = append(lat, d)
			if at.After(last) {
				last = at
			}
		}
	}
	res.delivered = len(lat)
	res.missing = int(want) - res.delivered
	if res.delivered > 0 {
		res.perSecond = float64(res.delivered) / last.Sub(firstPost).Seconds()
		res.p50, res.p99, res.max = percentiles(lat)
		_, res.sendP99, _ = percentiles(fromSend)
	}
	return res, nil
}

// connectAll dials every socket, 32 at a time, and reads each up to its
// ready frame.
func connectAll(addr string, tokens []string) ([]*fanClient, error) {
	clients := make([]*fanClient, len(tokens))
	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 2048, WriteBufferSize: 512}
	sem := make(chan struct{}, 32)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	start := time.Now()
	var done atomic.Int64
	for i, tok := range tokens {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, err := dialReady(dialer, addr, tok)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = fmt.Errorf("socket %d: %w", i, err)
				}
				return
			}
			clients[i] = c
			if n := done.Add(1); n%1000 == 0 {
				progress("fan-out: %d/%d sockets ready (%s)", n, len(tokens), time.Since(start).Round(time.Millisecond))
			}
		}()
	}
	wg.Wait()
	return clients, first
}

func dialReady(d *websocket.Dialer, addr, token string) (*fanClient, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := d.DialContext(ctx, "ws://"+addr+"/v1/feed/stream", http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		return nil, err
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			conn.Close()
			return nil, err
		}
		if bytes.Contains(msg, []byte(`"type":"ready"`)) {
			conn.SetReadDeadline(time.Time{})
			return &fanClient{conn: conn, got: map[string]time.Time{}}, nil
		}
	}
}

var postClient = &http.Client{Timeout: 30 * time.Second}

// postCard creates card i and returns its ID and the time its 201 arrived.
func postCard(addr string, data seeded, i int) (string, time.Time, error) {
	body, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("fan-out %d", i), "description": "春夏新款 纯棉 宽松",
		"image_ids": []string{data.fanImageID}, "cost_price": 1500, "retail_price": 3900})
	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/cards", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+data.fanSupplierToken)
	resp, err := postClient.Do(req)
	if err != nil {
		return "", time.Time{}, err
	}
	defer resp.Body.Close()
	at := time.Now()
	var card struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&card); err != nil || resp.StatusCode != http.StatusCreated {
		return "", at, fmt.Errorf("POST /v1/cards: status %d, %v", resp.StatusCode, err)
	}
	return card.ID, at, nil
}
