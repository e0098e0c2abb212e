package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// centrifugoChannel is the one channel every subscriber joins.
const centrifugoChannel = "bench"

// centrifugoConfig is the comparison's configuration (docs/BENCHMARKS.md):
// loopback only, no auth on the client or HTTP API, history and recovery
// on the channel (as Weigong keeps every event for replay), usage stats
// off, and quiet logs.
func centrifugoConfig(port int) ([]byte, error) {
	return json.MarshalIndent(map[string]any{
		"http_server": map[string]any{"address": "127.0.0.1", "port": port},
		"client":      map[string]any{"insecure": true, "allowed_origins": []string{"*"}},
		"http_api":    map[string]any{"insecure": true},
		"usage_stats": map[string]any{"disabled": true},
		"log":         map[string]any{"level": "error"},
		"channel": map[string]any{"without_namespace": map[string]any{
			"history_size": 1000, "history_ttl": "300s", "force_recovery": true}},
	}, "", "  ")
}

// centrifugoTarget is a Centrifugo binary run as a child process.
type centrifugoTarget struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
	// frame is the publication's data: a Weigong card.published frame,
	// so that both servers carry the same bytes.
	frame []byte
}

// startCentrifugo runs bin with the comparison's configuration on a free
// loopback port and waits until it accepts connections.
func startCentrifugo(bin, dir string, frame []byte) (*centrifugoTarget, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfg, err := centrifugoConfig(port)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "centrifugo.json")
	if err := os.WriteFile(path, cfg, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--config", path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // if wgbench dies, so does the server
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	t := &centrifugoTarget{cmd: cmd, addr: "127.0.0.1:" + strconv.Itoa(port), done: make(chan struct{}), frame: frame}
	go func() { cmd.Wait(); close(t.done) }()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-t.done:
			return nil, fmt.Errorf("%s exited before listening", bin)
		default:
		}
		if c, err := net.DialTimeout("tcp", t.addr, time.Second); err == nil {
			c.Close()
			return t, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.stop()
	return nil, fmt.Errorf("%s did not listen within a minute", bin)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (t *centrifugoTarget) name() string       { return "Centrifugo" }
func (t *centrifugoTarget) pid() int           { return t.cmd.Process.Pid }
func (t *centrifugoTarget) answersPings() bool { return true }

func (t *centrifugoTarget) stop() { stopChild(t.cmd, t.done) }

// dial connects with the JSON protocol and subscribes, both commands in
// one frame, and waits for the subscribe reply.
func (t *centrifugoTarget) dial(d *websocket.Dialer, i int) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := d.DialContext(ctx, "ws://"+t.addr+"/connection/websocket", nil)
	if err != nil {
		return nil, err
	}
	cmds := fmt.Sprintf(`{"id":1,"connect":{"name":"wgbench-%d"}}`+"\n"+`{"id":2,"subscribe":{"channel":%q}}`, i, centrifugoChannel)
	if err := conn.WriteMessage(websocket.TextMessage, []byte(cmds)); err != nil {
		conn.Close()
		return nil, err
	}
	var failed error
	err = readUntil(conn, func(msg []byte) bool {
		for _, line := range bytes.Split(msg, []byte("\n")) {
			if bytes.Contains(line, []byte(`"error"`)) {
				failed = fmt.Errorf("centrifugo: %s", line)
				return true
			}
			if bytes.HasPrefix(line, []byte(`{"id":2,`)) {
				return true
			}
		}
		return false
	})
	if err == nil && failed != nil {
		conn.Close()
		err = failed
	}
	return conn, err
}

// publish sends the Weigong frame with a fresh card ID through the HTTP
// API, which answers once the publication is in the channel's history and
// handed to the subscribers' queues.
func (t *centrifugoTarget) publish(int) (string, error) {
	id := newID()
	data := withCardID(t.frame, id)
	body := make([]byte, 0, len(data)+64)
	body = append(body, `{"channel":"`+centrifugoChannel+`","data":`...)
	body = append(body, data...)
	body = append(body, '}')
	resp, err := postClient.Post("http://"+t.addr+"/api/publish", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Error *struct{ Message string } `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.Error != nil {
		return "", fmt.Errorf("centrifugo publish: status %d, %v %+v", resp.StatusCode, err, out.Error)
	}
	return id, nil
}

// withCardID returns frame with the card's ID replaced by id (both are
// UUIDs, so the size does not change).
func withCardID(frame []byte, id string) []byte {
	out := bytes.Clone(frame)
	if i := bytes.Index(out, cardIDPrefix); i >= 0 {
		copy(out[i+len(cardIDPrefix):], id)
	}
	return out
}
