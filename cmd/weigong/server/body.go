package server

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/catalog"
)

// Request bodies are streamed (fiber's StreamRequestBody). Without it,
// fasthttp allocates a buffer for the whole Content-Length before the
// handler runs: one header claiming 22 MB with a single byte behind it
// held 32 MiB until the read timeout, for anyone, signed in or not. With
// it, fasthttp reads at most 8 KiB ahead before calling the handler
// (fasthttp v1.65, readBodyWithStreaming), and the handler reads the rest
// through bodyReader, under the limit of its route and after
// authentication. So memory grows only with the bytes a client actually
// sends, and of a request refused early no more than those 8 KiB are read.

// localBodyRead marks a request whose body was read to its end.
const localBodyRead = "body_read"

// bodyLimit is the largest body a route accepts: only a photo upload may
// be large (POST /v1/images); everything else is small JSON.
func bodyLimit(c *fiber.Ctx) int {
	if c.Method() == fiber.MethodPost && c.Path() == "/v1/images" {
		return maxRequestBody
	}
	return maxJSONBody
}

// limitBody refuses, before any handler or authentication runs, a body
// whose announced Content-Length is over its route's limit, and bodies
// sent with a Content-Encoding: decompressing would let a small body grow
// past the limit. Bodies without a length (chunked) are limited as they
// are read, by bodyReader.
func limitBody(c *fiber.Ctx) error {
	if n := c.Request().Header.ContentLength(); n > bodyLimit(c) {
		return tooLarge(bodyLimit(c))
	}
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		return catalog.Errorf(catalog.UnsupportedMedia, "Content-Encoding %q is not accepted; send the body uncompressed", enc)
	}
	return c.Next()
}

// closeUnreadBody closes the connection after answering a request whose
// body was not read to its end (refused before reading, or a body sent to
// a route that takes none). The unread bytes are still on the wire, and on
// a kept-alive connection they would be parsed as the next request.
//
// Before the answer goes out, a little of what is still coming is read and
// thrown away (at most lingerBytes, for at most lingerTime): closing a
// socket with unread bytes in it makes the kernel send a reset, which can
// destroy the answer before the client reads it, so a client that sent a
// body a few bytes too long would see "connection reset" instead of the
// 413. It is the lingering close of web servers such as nginx; memory does
// not grow with it (the bytes are discarded), and a client that stops
// sending costs at most lingerTime.
func closeUnreadBody(c *fiber.Ctx) error {
	err := c.Next()
	if hasBody(c) && c.Locals(localBodyRead) == nil {
		lingerDrain(c)
		c.Context().SetConnectionClose()
	}
	return err
}

// The bounds of lingerDrain.
const (
	lingerBytes = 1 << 20
	lingerTime  = 500 * time.Millisecond
)

// lingerDrain discards up to lingerBytes of the unread body, for at most
// lingerTime.
func lingerDrain(c *fiber.Ctx) {
	stream := c.Context().RequestBodyStream()
	conn := c.Context().Conn()
	if stream == nil || conn == nil {
		return
	}
	_ = conn.SetReadDeadline(time.Now().Add(lingerTime))
	_, _ = io.CopyN(io.Discard, stream, lingerBytes)
}

// hasBody reports whether the request announced a body: a positive
// Content-Length, or chunked (-1 in fasthttp's terms).
func hasBody(c *fiber.Ctx) bool {
	n := c.Request().Header.ContentLength()
	return n > 0 || n == -1
}

// bodyReader returns the request body as a stream that fails with a
// TooLarge error once more than limit bytes have come, and marks the body
// as read when it reaches its end.
func bodyReader(c *fiber.Ctx, limit int) io.Reader {
	r := c.Context().RequestBodyStream()
	if r == nil {
		r = bytes.NewReader(c.Request().Body())
	}
	return &limitedBody{c: c, r: r, left: int64(limit), limit: limit}
}

// readBody reads the whole request body, at most limit bytes.
func readBody(c *fiber.Ctx, limit int) ([]byte, error) {
	return io.ReadAll(bodyReader(c, limit))
}

type limitedBody struct {
	c     *fiber.Ctx
	r     io.Reader
	left  int64 // bytes still allowed
	limit int
	err   error // sticky: TooLarge once the limit is passed
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte more than allowed shows the body is too long
	}
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		n, b.err = int(b.left), tooLarge(b.limit)
		return n, b.err
	}
	b.left -= int64(n)
	switch {
	case err == io.EOF:
		b.c.Locals(localBodyRead, true)
	case err != nil:
		// A client that stops sending, or sends broken chunks, is at fault:
		// a 400, not an internal error.
		b.err = catalog.Errorf(catalog.Invalid, "the request body ended early or could not be read")
		err = b.err
	}
	return n, err
}

func tooLarge(limit int) error {
	if limit == maxRequestBody {
		return catalog.Errorf(catalog.TooLarge, "a photo must be at most %d MiB", assets.MaxUploadBytes>>20)
	}
	return catalog.Errorf(catalog.TooLarge, "request body must be at most %d KiB", limit>>10)
}
