package stream

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
)

// maxBatch is the most a batch holds before it is written out early, so a
// long replay never builds one huge buffer.
const maxBatch = 64 << 10

// newBatchPool returns the pool that lends batch buffers only while a batch
// is being written, so an idle connection holds none.
func newBatchPool() *sync.Pool {
	return &sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}
}

// batchConn is the socket under the websocket. Between begin and flush it
// collects what gorilla writes (one or two writes per frame) and sends it
// in one system call; outside a batch it writes straight through, so
// control frames written by other goroutines are never delayed.
type batchConn struct {
	net.Conn
	pool *sync.Pool

	mu       sync.Mutex
	batching bool
	buf      *[]byte
}

func (b *batchConn) begin() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batching = true
}

// flush writes the batch out and ends it. It always writes what was
// collected, because gorilla has already counted those frames as sent.
func (b *batchConn) flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batching = false
	return b.writeOut()
}

func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.batching {
		return b.Conn.Write(p)
	}
	if b.buf != nil && len(*b.buf)+len(p) > maxBatch {
		if err := b.writeOut(); err != nil {
			return 0, err
		}
	}
	if b.buf == nil {
		b.buf = b.pool.Get().(*[]byte)
	}
	*b.buf = append(*b.buf, p...)
	return len(p), nil
}

// writeOut sends the collected bytes and returns the buffer to the pool;
// b.mu is held. A buffer that grew past maxBatch is not pooled.
func (b *batchConn) writeOut() error {
	if b.buf == nil {
		return nil
	}
	_, err := b.Conn.Write(*b.buf)
	if cap(*b.buf) <= 2*maxBatch {
		*b.buf = (*b.buf)[:0]
		b.pool.Put(b.buf)
	}
	b.buf = nil
	return err
}

// hijackWriter hands gorilla a batchConn instead of the raw connection.
type hijackWriter struct {
	http.ResponseWriter
	pool *sync.Pool
	conn *batchConn
}

func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("response does not implement http.Hijacker")
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.conn = &batchConn{Conn: nc, pool: w.pool}
	return w.conn, brw, nil
}
