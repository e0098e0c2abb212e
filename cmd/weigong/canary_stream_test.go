package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// streamFrames dials the feed websocket as token, resuming after cursor,
// and returns every frame up to and including "ready", then runs live and
// collects live frames until one satisfies until or wait passes.
func (n *testNode) streamFrames(t *testing.T, token, cursor string, wait time.Duration, live func(), until func(string) bool) []string {
	t.Helper()
	url := "ws" + strings.TrimPrefix(n.URL, "http") + "/v1/feed/stream?after=" + cursor
	h := http.Header{"Authorization": {"Bearer " + token}}
	conn, resp, err := websocket.DefaultDialer.Dial(url, h)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return []string{"dial refused: " + err.Error() + " " + http.StatusText(status)}
	}
	defer conn.Close()
	var frames []string
	deadline := time.Now().Add(10 * time.Second)
	ready := false
	for time.Now().Before(deadline) {
		_ = conn.SetReadDeadline(deadline)
		_, data, err := conn.ReadMessage()
		if err != nil {
			break
		}
		frames = append(frames, string(data))
		var f struct{ Type string }
		_ = json.Unmarshal(data, &f)
		if f.Type == "ready" && !ready {
			ready = true
			if live == nil {
				break
			}
			live()
			deadline = time.Now().Add(wait)
			continue
		}
		if ready && until != nil && until(string(data)) {
			break
		}
	}
	return frames
}

// TestCanary_StreamFrames ensures that websocket frames, replayed and
// live, carry each follower's own level price and nothing more, and that
// viewers without an active follow get no card frame at all.
func TestCanary_StreamFrames(t *testing.T) {
	w := newCanaryWorld(t)
	for _, kind := range []string{"standard", "gold", "pending", "blocked", "stranger"} {
		viewer := w.viewers[kind]
		live := func() {
			w.n.must(200, "PATCH", "/v1/cards/"+w.cardID, w.supplier.Token, map[string]any{"sold_out": true})
			w.n.must(200, "PATCH", "/v1/cards/"+w.cardID, w.supplier.Token, map[string]any{"sold_out": false})
		}
		// Active followers must see the update (bounded by 10 s); for the
		// others, 1 s is ample for a frame that would leak to arrive.
		wait := time.Second
		if kind == "standard" || kind == "gold" {
			wait = 10 * time.Second
		}
		frames := w.n.streamFrames(t, viewer.Token, w.cursors[kind], wait, live, func(f string) bool {
			return strings.Contains(f, `"card.updated"`) && strings.Contains(f, `"sold_out":false`)
		})
		all := strings.Join(frames, "\n")
		w.checkLeak(t, kind, "stream", all)
		active := kind == "standard" || kind == "gold"
		hasCard := strings.Contains(all, w.cardID)
		if active != hasCard {
			t.Errorf("%s: card frames present = %v, want %v:\n%.1500s", kind, hasCard, active, all)
		}
		if active && (!strings.Contains(all, `"card.published"`) || !strings.Contains(all, `"card.updated"`)) {
			t.Errorf("%s: missing replayed card.published or live card.updated:\n%.1500s", kind, all)
		}
	}
}
