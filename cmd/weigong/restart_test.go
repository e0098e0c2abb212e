package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestRestart_SIGKILLReplaysAcknowledged checks the delivery guarantee
// across a crash of the real binary: every card acknowledged with 201
// before SIGKILL is in /v1/feed/events and in a websocket replay after the
// process starts again on the same data directory. It uses a child
// process, not an in-process server, because only a real kill shows that
// the 201 came after the data reached the disk.
func TestRestart_SIGKILLReplaysAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := weigongBinary(t)
	data := t.TempDir()

	p := rstStart(t, bin, data)
	sup := p.signUp(t, "supplier", "rst_sup")
	dist := p.signUp(t, "distributor", "rst_dist")
	p.call(t, http.StatusOK, "PUT", "/v1/suppliers/"+sup.id+"/follow", dist.token, nil, nil)

	var start struct {
		Cursor string `json:"cursor"`
	}
	p.call(t, http.StatusOK, "GET", "/v1/feed/events", dist.token, nil, &start)
	if start.Cursor == "" {
		t.Fatal("no cursor from /v1/feed/events")
	}
	imageID := p.upload(t, sup.token)

	var posted []string
	for i := range 20 {
		var card struct {
			ID string `json:"id"`
		}
		body := map[string]any{"title": fmt.Sprintf("restart %02d", i), "description": "d",
			"image_ids": []string{imageID}, "cost_price": 1000, "retail_price": 2000}
		p.call(t, http.StatusCreated, "POST", "/v1/cards", sup.token, body, &card)
		posted = append(posted, card.ID)
	}

	p.kill(t)
	p = rstStart(t, bin, data)

	var events struct {
		Events []struct {
			Type string `json:"type"`
			Card struct {
				ID string `json:"id"`
			} `json:"card"`
		} `json:"events"`
	}
	p.call(t, http.StatusOK, "GET", "/v1/feed/events?after="+start.Cursor+"&limit=100", dist.token, nil, &events)
	var got []string
	for _, e := range events.Events {
		if e.Type == "card.published" {
			got = append(got, e.Card.ID)
		}
	}
	if !rstSameIDs(got, posted) {
		t.Fatalf("events after restart: got %d cards %v, want %d in order %v", len(got), got, len(posted), posted)
	}

	if replayed := p.replay(t, dist.token, start.Cursor); !rstSameIDs(replayed, posted) {
		t.Fatalf("websocket replay after restart: got %v, want %v", replayed, posted)
	}
}

func rstSameIDs(a, b []string) bool {
	return strings.Join(a, ",") == strings.Join(b, ",")
}

// rstProc is one run of the binary.
type rstProc struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
}

type rstAccount struct{ id, token string }

var rstListening = regexp.MustCompile(`listening on http://(\S+)`)

// rstStart starts the binary on a free port, with any extra flags, and
// waits (bounded) for the line that names the address.
func rstStart(t *testing.T, bin, data string, flags ...string) *rstProc {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--no-rate-limit"}, flags...)
	args = append(args, pgServeFlags(t, data, flags)...)
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &rstProc{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := rstListening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill(t) })
	select {
	case p.addr = <-addr:
	case <-p.done:
		t.Fatalf("weigong exited before listening: %s", stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("weigong did not report its address within 30s: %s", stderr.String())
	}
	return p
}

// kill sends SIGKILL and waits (bounded) for the process to be reaped.
func (p *rstProc) kill(t *testing.T) {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Errorf("weigong did not exit within 10s of SIGKILL")
	}
}

var rstClient = &http.Client{Timeout: 15 * time.Second}

// call sends a JSON request, checks the status and decodes the reply
// into out when out is not nil.
func (p *rstProc) call(t *testing.T, want int, method, path, token string, body, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://"+p.addr+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	p.send(t, req, token, want, out)
}

func (p *rstProc) send(t *testing.T, req *http.Request, token string, want int, out any) {
	t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := rstClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", req.Method, req.URL.Path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", req.Method, req.URL.Path, b, err)
		}
	}
}

func (p *rstProc) signUp(t *testing.T, role, handle string) rstAccount {
	t.Helper()
	var r struct {
		Account struct {
			ID string `json:"id"`
		} `json:"account"`
		Token string `json:"token"`
	}
	body := map[string]string{"role": role, "handle": handle, "password": "restart-password", "name": handle}
	p.call(t, http.StatusCreated, "POST", "/v1/accounts", "", body, &r)
	return rstAccount{r.Account.ID, r.Token}
}

// upload posts a small solid JPEG and returns its image ID.
func (p *rstProc) upload(t *testing.T, token string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(0, 0, color.RGBA{1, 2, 3, 255})
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("image", "p.jpg")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(jpg.Bytes())
	mw.Close()
	req, err := http.NewRequest("POST", "http://"+p.addr+"/v1/images", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var r struct {
		ID string `json:"id"`
	}
	p.send(t, req, token, http.StatusCreated, &r)
	return r.ID
}

// replay opens the feed websocket after cursor and returns the IDs of the
// cards published before the ready frame.
func (p *rstProc) replay(t *testing.T, token, cursor string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	h := http.Header{"Authorization": {"Bearer " + token}}
	conn, resp, err := websocket.DefaultDialer.DialContext(ctx, "ws://"+p.addr+"/v1/feed/stream?after="+cursor, h)
	if err != nil {
		if resp != nil {
			t.Fatalf("websocket dial: %v (status %d)", err, resp.StatusCode)
		}
		t.Fatalf("websocket dial: %v", err)
	}
	defer conn.Close()
	deadline := time.Now().Add(20 * time.Second)
	conn.SetReadDeadline(deadline)
	var ids []string
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("websocket read before ready (got %d cards): %v", len(ids), err)
		}
		var f struct {
			Type string `json:"type"`
			Card struct {
				ID string `json:"id"`
			} `json:"card"`
		}
		if err := json.Unmarshal(msg, &f); err != nil {
			t.Fatalf("websocket frame %s: %v", msg, err)
		}
		switch f.Type {
		case "ready":
			return ids
		case "resync":
			t.Fatalf("websocket answered resync after %d cards", len(ids))
		case "card.published":
			ids = append(ids, f.Card.ID)
		}
	}
}
