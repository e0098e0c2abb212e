package stream

import (
	"bufio"
	"errors"
	"net"
	"net/http"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
	"github.com/weigong/weigong/catalog"
)

// ServeFastHTTP serves the endpoint on a fasthttp server (fiber's) without
// the net/http adaptor. Through the adaptor every connection kept, for its
// whole life, fasthttp's request context, a 4 KiB read buffer, the
// adaptor's own 8 KiB of bufio buffers and a goroutine blocked in the
// hijack handler: 19.8 KiB of RSS per idle connection, against 8.3 KiB
// this way and 11.1 KiB on net/http (TestMeasure_IdleConnections, 3,000
// connections, docs/BENCHMARKS.md). Here the hijack handler only
// upgrades and runs the handshake, then returns; the connection is then
// owned by this package alone, as on net/http.
//
// The server must have KeepHijackedConns set, or fasthttp closes the
// connection when the hijack handler returns. The connection is read from
// the raw socket, not through fasthttp's buffered reader (which fasthttp
// recycles when the hijack handler returns); a websocket client sends
// nothing before the 101 response, so that reader holds no byte of the
// websocket stream.
func (h *Handler) ServeFastHTTP(ctx *fasthttp.RequestCtx) {
	h.init()
	r := new(http.Request)
	if err := fasthttpadaptor.ConvertRequest(ctx, r, true); err != nil {
		h.refuseFast(ctx, catalog.Errorf(catalog.Invalid, "malformed request"))
		return
	}
	account, tokenHash, err := h.admit(r)
	if err != nil {
		h.refuseFast(ctx, err)
		return
	}
	raw := ctx.Conn()
	ctx.HijackSetNoResponse(true)
	ctx.Hijack(func(net.Conn) {
		// r still points into ctx's buffers, which fasthttp keeps until
		// this function returns, and the handshake ends before it does.
		if !h.upgrade(&rawResponse{conn: raw}, r, account, tokenHash) {
			raw.Close() // fasthttp keeps hijacked connections open
		}
	})
}

func (h *Handler) refuseFast(ctx *fasthttp.RequestCtx, err error) {
	status, body := h.refusal(err)
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	ctx.SetBody(body)
}

// rawResponse is the http.ResponseWriter gorilla upgrades through on a
// hijacked fasthttp connection: Hijack hands over the raw socket, and
// since checkUpgrade has run, gorilla has nothing else to write.
type rawResponse struct {
	conn   net.Conn
	header http.Header
}

func (w *rawResponse) Header() http.Header {
	if w.header == nil {
		w.header = http.Header{}
	}
	return w.header
}

func (w *rawResponse) Write(p []byte) (int, error) { return 0, errNotHTTP }
func (w *rawResponse) WriteHeader(int)             {}

var errNotHTTP = errors.New("stream: the connection is hijacked")

// Hijack returns the socket with the smallest buffers bufio allows: gorilla
// reads through a buffer of its own (ReadBufferSize) and only borrows the
// writer's to format the 101 response.
func (w *rawResponse) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.conn, bufio.NewReadWriter(bufio.NewReaderSize(w.conn, 16), bufio.NewWriterSize(w.conn, 16)), nil
}
