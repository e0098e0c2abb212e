package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// testNode is a real node on a real listener on 127.0.0.1:0, with its
// database in t.TempDir(); cleanup drains it and checks the database.
type testNode struct {
	t    *testing.T
	URL  string
	Data string
	Log  *syncBuffer
	stop context.CancelFunc
	done chan error
}

func startNode(t *testing.T, data string, opts ...func(*serveConfig)) *testNode {
	t.Helper()
	cfg := serveConfig{Addr: "127.0.0.1:0", Data: data, NoRateLimit: true}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.Store == "" && onTestPostgres() {
		usePostgres(t, &cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	n := &testNode{t: t, Data: data, Log: &syncBuffer{}, stop: cancel, done: make(chan error, 1)}
	go func() { n.done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(n.Log, nil)), out) }()
	addr := regexp.MustCompile(`listening on (http://\S+)`)
	// A --demo start seeds first: a dozen cards of photos through the
	// pipeline, which under -race on a busy 2-core machine has taken over
	// 90 s. The bound is generous because a slow start is not what any
	// test here measures.
	const startBound = 5 * time.Minute
	deadline := time.Now().Add(startBound)
	for time.Now().Before(deadline) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			n.URL = m[1]
			t.Cleanup(n.Stop)
			return n
		}
		select {
		case err := <-n.done:
			t.Fatalf("server exited: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("server did not start within %v", startBound)
	return nil
}

// Stop drains the node and waits (bounded) for it to exit. It is safe to
// call twice.
func (n *testNode) Stop() {
	if n.stop == nil {
		return
	}
	n.stop()
	n.stop = nil
	select {
	case err := <-n.done:
		if err != nil {
			n.t.Errorf("server exit: %v", err)
		}
	case <-time.After(30 * time.Second):
		n.t.Error("server did not stop within 30 s")
	}
}

// reply is one HTTP exchange, kept whole so tests can search headers too.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.Body, err)
	}
}

// all returns the status line, headers and body as one string, to search
// for leaks anywhere in a response.
func (r reply) all() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n", r.Status)
	for k, vs := range r.Header {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(vs, ","))
	}
	b.Write(r.Body)
	return b.String()
}

var httpClient = &http.Client{Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request with an optional bearer token and JSON body.
func (n *testNode) do(method, path, token string, body any, headers ...string) reply {
	n.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case *multipartBody:
		rd, ctype = bytes.NewReader(b.data), b.ctype
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	default:
		js, err := json.Marshal(b)
		if err != nil {
			n.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, n.URL+path, rd)
	if err != nil {
		n.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		n.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		n.t.Fatal(err)
	}
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// must fails the test unless the reply has the wanted status.
func (n *testNode) must(want int, method, path, token string, body any, headers ...string) reply {
	n.t.Helper()
	r := n.do(method, path, token, body, headers...)
	if r.Status != want {
		n.t.Fatalf("%s %s = %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

type account struct {
	ID, Handle, Token string
}

func (n *testNode) signUp(role, handle string) account {
	n.t.Helper()
	r := n.must(201, "POST", "/v1/accounts", "", map[string]string{"role": role, "handle": handle, "password": "password123", "name": handle})
	var out struct {
		Account struct{ ID string }
		Token   string
	}
	r.decode(n.t, &out)
	return account{ID: out.Account.ID, Handle: handle, Token: out.Token}
}

type multipartBody struct {
	data  []byte
	ctype string
}

func multipartFile(field, name string, data []byte) *multipartBody {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, _ := w.CreateFormFile(field, name)
	_, _ = part.Write(data)
	_ = w.Close()
	return &multipartBody{data: buf.Bytes(), ctype: w.FormDataContentType()}
}

// solidJPEG returns a small JPEG of one colour.
func solidJPEG(t *testing.T, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadImage uploads a generated photo and returns its ID.
func (n *testNode) uploadImage(token string, c color.RGBA) string {
	n.t.Helper()
	r := n.must(201, "POST", "/v1/images", token, multipartFile("image", "p.jpg", solidJPEG(n.t, 640, 480, c)))
	var img struct{ ID string }
	r.decode(n.t, &img)
	return img.ID
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
