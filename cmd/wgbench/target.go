package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/weigong/weigong/catalog/wire"
)

// target is a server under the fan-out load: Weigong, or Centrifugo for
// comparison. The load client (fanout.go) is the same for both.
type target interface {
	// name is how the report calls the server.
	name() string
	// dial opens subscriber i's websocket and returns once it is
	// subscribed: past Weigong's ready frame, or Centrifugo's subscribe
	// reply.
	dial(d *websocket.Dialer, i int) (*websocket.Conn, error)
	// publish makes one publication that every subscriber receives and
	// returns the card ID its frames carry.
	publish(i int) (string, error)
	// pid is the server process, whose RSS is read from /proc.
	pid() int
	// answersPings says whether subscribers must answer the server's
	// application-level pings ("{}"), as Centrifugo's protocol requires.
	answersPings() bool
	stop()
}

// weigongTarget is the weigong binary with the seeded followers' tokens.
type weigongTarget struct {
	srv  *server
	data seeded
}

func (w *weigongTarget) name() string       { return "Weigong" }
func (w *weigongTarget) pid() int           { return w.srv.cmd.Process.Pid }
func (w *weigongTarget) answersPings() bool { return false }
func (w *weigongTarget) stop()              { w.srv.stop() }

func (w *weigongTarget) dial(d *websocket.Dialer, i int) (*websocket.Conn, error) {
	return dialFeed(d, w.srv.addr, w.data.fanTokens[i])
}

// dialFeed opens a distributor's live feed on the server at addr and
// returns once it is past the ready frame.
func dialFeed(d *websocket.Dialer, addr, token string) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := d.DialContext(ctx, "ws://"+addr+"/v1/feed/stream", http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		return nil, err
	}
	return conn, readUntil(conn, func(msg []byte) bool { return bytes.Contains(msg, []byte(`"type":"ready"`)) })
}

func (w *weigongTarget) publish(i int) (string, error) {
	return postCard(w.srv.addr, w.data, i)
}

// readUntil reads frames until done accepts one, within 30 s.
func readUntil(conn *websocket.Conn, done func([]byte) bool) error {
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	defer conn.SetReadDeadline(time.Time{})
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			conn.Close()
			return err
		}
		if done(msg) {
			return nil
		}
	}
}

var postClient = &http.Client{Timeout: 30 * time.Second}

// postCard creates card i as the fan-out supplier and returns its ID.
func postCard(addr string, data seeded, i int) (string, error) {
	resp, err := postClient.Do(cardRequest(addr, data, i))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var card wire.Card
	if err := json.NewDecoder(resp.Body).Decode(&card); err != nil || resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST /v1/cards: status %d, %v", resp.StatusCode, err)
	}
	return card.ID, nil
}

// cardRequest is the POST /v1/cards that creates card i as the fan-out
// supplier.
func cardRequest(addr string, data seeded, i int) *http.Request {
	body, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("fan-out %d", i), "description": "春夏新款 纯棉 宽松",
		"image_ids": []string{data.fanImageID}, "cost_price": 1500, "retail_price": 3900})
	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/cards", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+data.fanSupplierToken)
	return req
}
