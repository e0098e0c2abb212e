package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/weigong/weigong/catalog/wire"
)

// Client calls one Weigong server with one credential: a session token
// from SignUp or SignIn, or an app key (wgk_…). It is safe for concurrent
// use.
type Client struct {
	base   string
	token  string
	http   *http.Client
	strict bool
}

// New returns a client of the server at baseURL (such as
// "https://wg.example.com") that authenticates with token ("" for none).
func New(baseURL, token string) *Client {
	return &Client{base: strings.TrimRight(baseURL, "/"), token: token,
		http: &http.Client{Timeout: time.Minute}}
}

// WithToken returns a copy of the client that authenticates with token.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.token = token
	return &cp
}

// WithHTTPClient returns a copy of the client that sends through h.
func (c *Client) WithHTTPClient(h *http.Client) *Client {
	cp := *c
	cp.http = h
	return &cp
}

// WithStrictDecoding returns a copy of the client that fails on any reply
// field the wire types do not know. Tests use it to prove that the shapes
// match the server's; apps should not, as servers add fields.
func (c *Client) WithStrictDecoding() *Client {
	cp := *c
	cp.strict = true
	return &cp
}

// Error is an error reply of the API: its HTTP status, its code (one of
// the wire codes, such as wire.NotFound) and its message.
type Error struct {
	Status    int
	Code      wire.Code
	Message   string
	RequestID string
}

func (e *Error) Error() string {
	return fmt.Sprintf("weigong: %d %s: %s", e.Status, e.Code, e.Message)
}

// IsCode reports whether err is an API error with the given code.
func IsCode(err error, code wire.Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// Option changes one request.
type Option func(*http.Request)

// IdempotencyKey sends Idempotency-Key: a retry of a write with the same
// key within 24 h gets the first result, never a second object.
func IdempotencyKey(key string) Option {
	return func(r *http.Request) { r.Header.Set("Idempotency-Key", key) }
}

// IfMatch sends If-Match: the write fails with wire.PreconditionFailed
// (412) unless the object still has this version.
func IfMatch(version int64) Option {
	return func(r *http.Request) { r.Header.Set("If-Match", strconv.FormatInt(version, 10)) }
}

// Page selects one page of a list: Before is the Next of the previous
// page; Limit 0 means the server's default (20).
type Page struct {
	Before string
	Limit  int
}

func (p Page) query(q url.Values) url.Values {
	if q == nil {
		q = url.Values{}
	}
	if p.Before != "" {
		q.Set("before", p.Before)
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	return q
}

// maxReply bounds how much of a reply is read.
const maxReply = 16 << 20

// do sends a request with a JSON body (unless in is nil) and decodes a
// 2xx reply into out (unless out is nil).
func (c *Client) do(ctx context.Context, method, path string, q url.Values, in, out any, opts ...Option) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := c.request(ctx, method, path, q, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(req, out, opts...)
}

func (c *Client) request(ctx context.Context, method, path string, q url.Values, body io.Reader) (*http.Request, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

func (c *Client) send(req *http.Request, out any, opts ...Option) error {
	for _, o := range opts {
		o(req)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return replyError(resp, data)
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if c.strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("weigong: decoding the reply to %s %s: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// replyError turns an error reply into an *Error; a reply that is not the
// API's JSON error keeps the code its status stands for.
func replyError(resp *http.Response, data []byte) error {
	e := &Error{Status: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id")}
	var body wire.ErrorBody
	if json.Unmarshal(data, &body) == nil && body.Error.Code != "" {
		e.Code, e.Message = body.Error.Code, body.Error.Message
		return e
	}
	e.Code, _ = wire.CodeOf(resp.StatusCode)
	e.Message = strings.TrimSpace(string(data[:min(len(data), 200)]))
	return e
}

// pathEscape escapes one path segment.
func pathEscape(s string) string { return url.PathEscape(s) }
