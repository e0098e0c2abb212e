package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawReply is a response read off a raw connection.
type rawReply struct {
	Status int
	Header http.Header
	Body   []byte
}

// rawExchange writes head (request line and headers, without the blank
// line) and body on a fresh connection to addr, and reads the response,
// waiting at most wait for it.
func rawExchange(t *testing.T, addr, head string, body []byte, wait time.Duration) (rawReply, error) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(wait))
	// The server may answer and close before it has read everything, as it
	// should for a request it refuses: write in the background and read
	// the answer whatever becomes of the writing.
	go func() {
		if _, err := io.WriteString(conn, head+"\r\n\r\n"); err == nil {
			conn.Write(body)
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return rawReply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return rawReply{Status: resp.StatusCode, Header: resp.Header, Body: data}, err
}

// errorCode returns the code of a JSON error body, or "" if it is not one.
func errorCode(body []byte) string {
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		return ""
	}
	return e.Error.Code
}

// vmRSS returns the resident set size of process pid in bytes.
func vmRSS(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("parsing %q: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}

// syntheticJPEG returns a w×h JPEG: random pixels (noise) compress badly,
// about 1.9 bytes per pixel at quality 100; a gradient gives many pixels
// in few bytes, costly to process and cheap to send.
func syntheticJPEG(t *testing.T, w, h int, noise bool) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	for i := 0; i < len(img.Pix); i += 4 {
		x, y := (i/4)%w, (i/4)/w
		px := [4]uint8{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255}
		if noise {
			px = [4]uint8{uint8(r.Uint32()), uint8(r.Uint32()), uint8(r.Uint32()), 255}
		}
		copy(img.Pix[i:i+4], px[:])
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestResources_BodyMemoryGrowsWithBytesSent ensures the server's memory
// grows only with the bytes clients actually send. Twenty connections each
// announce a 22 MB body and send one byte, to JSON routes and to the
// upload route, anonymous and signed in; the real binary's RSS must grow
// by less than 100 MB (fasthttp used to allocate the announced length,
// about 32 MiB per connection, before any handler ran). While they hang, a
// supplier's 5 MiB photo and a JSON request still succeed.
func TestResources_BodyMemoryGrowsWithBytesSent(t *testing.T) {
	p := startBinary(t)
	sup := p.signUp(t, "supplier", "mem_sup")
	evil := p.signUp(t, "supplier", "mem_evil")
	p.call(t, http.StatusOK, "GET", "/v1/me", sup.token, nil, nil)
	before := vmRSS(t, p.cmd.Process.Pid)

	type target struct{ method, path, ctype, token string }
	targets := []target{
		{"POST", "/v1/accounts", "application/json", ""},
		{"POST", "/v1/sessions", "application/json", ""},
		{"POST", "/v1/images", "multipart/form-data; boundary=xyz", ""},
		{"POST", "/v1/images", "multipart/form-data; boundary=xyz", evil.token},
		{"PATCH", "/v1/me", "application/json", evil.token},
	}
	for i := range 20 {
		tg := targets[i%len(targets)]
		conn, err := net.DialTimeout("tcp", p.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: 22000000\r\n", tg.method, tg.path, p.addr, tg.ctype)
		if tg.token != "" {
			head += "Authorization: Bearer " + tg.token + "\r\n"
		}
		if _, err := io.WriteString(conn, head+"\r\n{"); err != nil {
			t.Fatal(err)
		}
	}

	// The hostile connections stay open while legitimate requests work.
	photo := syntheticJPEG(t, 2000, 1500, true)
	if len(photo) < 5<<20 {
		t.Fatalf("test photo is %d bytes, want at least 5 MiB", len(photo))
	}
	form := multipartFile("image", "big.jpg", photo)
	req, err := http.NewRequest("POST", "http://"+p.addr+"/v1/images", bytes.NewReader(form.data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", form.ctype)
	p.send(t, req, sup.token, http.StatusCreated, nil)
	p.call(t, http.StatusOK, "PATCH", "/v1/me", sup.token, map[string]string{"bio": "still here"}, nil)

	// The peak over a short while after every connection has been read.
	peak := before
	for range 20 {
		peak = max(peak, vmRSS(t, p.cmd.Process.Pid))
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("RSS %d MB before, peak %d MB with 20 hanging 22 MB bodies and a 5 MiB upload", before>>20, peak>>20)
	if grew := peak - before; grew >= 100<<20 {
		t.Fatalf("RSS grew by %d MB, want < 100 MB", grew>>20)
	}
}

// TestResources_OversizedBodyRefusedUnread ensures a body over its route's
// limit gets 413 in the JSON error shape as soon as its length is known,
// without the server waiting for (or storing) the rest: JSON routes take
// 64 KiB, the upload route 20 MiB of photo, and an anonymous upload is
// refused from its headers alone.
func TestResources_OversizedBodyRefusedUnread(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	sup := n.signUp("supplier", "big_sup")
	addr := strings.TrimPrefix(n.URL, "http://")
	announce := func(method, path, ctype, token string) string {
		h := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: 22000000", method, path, addr, ctype)
		if token != "" {
			h += "\r\nAuthorization: Bearer " + token
		}
		return h
	}
	for _, c := range []struct {
		head   string
		status int
		code   string
	}{
		{announce("POST", "/v1/accounts", "application/json", ""), 413, "too_large"},
		{announce("POST", "/v1/cards", "application/json", sup.Token), 413, "too_large"},
		{announce("PATCH", "/v1/me", "application/json", sup.Token), 413, "too_large"},
		{announce("POST", "/v1/images", "multipart/form-data; boundary=x", ""), 401, "unauthorized"},
	} {
		// 16 KiB of the announced 22 MB (fasthttp reads 8 KiB ahead before
		// any handler runs): the answer must not wait for the rest.
		r, err := rawExchange(t, addr, c.head, bytes.Repeat([]byte(" "), 16<<10), 10*time.Second)
		if err != nil {
			t.Errorf("%s: no answer within 10 s: %v", strings.SplitN(c.head, "\r\n", 2)[0], err)
			continue
		}
		if r.Status != c.status || errorCode(r.Body) != c.code || r.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s = %d %s, want %d %s with X-Request-Id", strings.SplitN(c.head, "\r\n", 2)[0], r.Status, r.Body, c.status, c.code)
		}
	}

	// Bodies that really are too large, sent whole: with a length, and
	// chunked (no length to judge by until the bytes come).
	big := `{"bio": "` + strings.Repeat("x", 70<<10) + `"}`
	n.mustError(413, "too_large", "PATCH", "/v1/me", sup.Token, big)
	chunked := func(method, path, ctype string, body io.Reader) reply {
		req, _ := http.NewRequest(method, n.URL+path, io.MultiReader(body)) // unknown length: chunked
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+sup.Token)
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatalf("chunked %s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return reply{Status: resp.StatusCode, Header: resp.Header, Body: data}
	}
	if r := chunked("PATCH", "/v1/me", "application/json", strings.NewReader(big)); r.Status != 413 || errorCode(r.Body) != "too_large" {
		t.Errorf("chunked 70 KiB JSON = %d %s, want 413 too_large", r.Status, r.Body)
	}
	var huge bytes.Buffer
	huge.WriteString("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"p.jpg\"\r\n\r\n")
	huge.Write(make([]byte, 20<<20+1))
	huge.WriteString("\r\n--b--\r\n")
	if r := chunked("POST", "/v1/images", "multipart/form-data; boundary=b", &huge); r.Status != 413 || errorCode(r.Body) != "too_large" {
		t.Errorf("chunked upload of 20 MiB + 1 byte = %d %s, want 413 too_large", r.Status, r.Body)
	}
	// The limits leave room for what is allowed.
	n.must(200, "PATCH", "/v1/me", sup.Token, map[string]string{"bio": strings.Repeat("y", 400)})
	if r := chunked("PATCH", "/v1/me", "application/json", strings.NewReader(`{"bio": "chunked"}`)); r.Status != 200 {
		t.Errorf("small chunked JSON = %d %s, want 200", r.Status, r.Body)
	}
}

// TestResources_HeadersTooLarge431 ensures that a request whose headers or
// URL are over the server's limit gets 431 with the JSON error shape and
// an X-Request-Id, not a 500.
func TestResources_HeadersTooLarge431(t *testing.T) {
	t.Parallel()
	n := startNode(t, t.TempDir())
	addr := strings.TrimPrefix(n.URL, "http://")
	long := strings.Repeat("a", 16<<10)
	for name, head := range map[string]string{
		"header": "GET /v1/me HTTP/1.1\r\nHost: " + addr + "\r\nX-Padding: " + long,
		"cookie": "GET /app/ HTTP/1.1\r\nHost: " + addr + "\r\nCookie: wg_session=" + long,
		"url":    "GET /v1/suppliers/" + long + " HTTP/1.1\r\nHost: " + addr,
	} {
		r, err := rawExchange(t, addr, head, nil, 10*time.Second)
		if err != nil {
			t.Errorf("%s over the limit: %v", name, err)
			continue
		}
		if r.Status != http.StatusRequestHeaderFieldsTooLarge || errorCode(r.Body) != "too_large" {
			t.Errorf("%s over the limit = %d %s, want 431 too_large", name, r.Status, r.Body)
		}
		if r.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s over the limit: no X-Request-Id", name)
		}
	}
	n.must(200, "GET", "/healthz", "", nil, "X-Padding", strings.Repeat("b", 2<<10))
}
