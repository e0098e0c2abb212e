package stream

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// maxBatch is the most one write system call carries; a longer batch (a
// big replay) goes out in several, so no batch buffer grows without bound.
const maxBatch = 64 << 10

// batchPool lends the buffers that batches are assembled in, only for the
// duration of one write, so an idle connection holds none. It is shared by
// every connection of the process.
var batchPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// wire is the socket under the websocket. Data frames do not go through
// gorilla: the writer frames them itself (appendTextFrame) into one buffer
// and writes the batch in one system call under one write deadline
// (gorilla would set a deadline and make a system call per frame, which
// was 17 % and most of the rest of the server's CPU per delivery).
// Gorilla still writes the control frames (ping, pong, close), each in one
// Write; the mutex keeps those whole and between batches.
//
// Every write applies its own deadline under the mutex, right before it
// writes: a deadline gorilla sets for a control frame (SetWriteDeadline)
// is only recorded, so that it cannot stretch or cut the deadline of a
// batch being written by another goroutine, and the other way round.
type wire struct {
	net.Conn
	mu sync.Mutex
	// controlDeadline is the deadline gorilla asked for its next write, in
	// Unix nanoseconds; 0 is none.
	controlDeadline atomic.Int64
}

// SetWriteDeadline records the deadline for gorilla's next write.
func (w *wire) SetWriteDeadline(t time.Time) error {
	var ns int64
	if !t.IsZero() {
		ns = t.UnixNano()
	}
	w.controlDeadline.Store(ns)
	return nil
}

// Write is gorilla's: the 101 response and control frames.
func (w *wire) Write(p []byte) (int, error) {
	var deadline time.Time
	if ns := w.controlDeadline.Load(); ns != 0 {
		deadline = time.Unix(0, ns)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.Conn.SetWriteDeadline(deadline); err != nil {
		return 0, err
	}
	return w.Conn.Write(p)
}

// writeFrames writes frames as websocket text frames, in as few system
// calls as maxBatch allows, with one deadline for the whole batch. When a
// write fails it returns, with the error, the bytes not yet written: the
// unwritten end of a frame and the frames after it, so that a writer that
// timed out can finish the batch later without breaking the stream.
func (w *wire) writeFrames(frames [][]byte, deadline time.Time) (rest []byte, err error) {
	bp := batchPool.Get().(*[]byte)
	b := (*bp)[:0]
	w.mu.Lock()
	err = w.Conn.SetWriteDeadline(deadline)
	i := 0
	for ; i < len(frames) && err == nil; i++ {
		b = appendTextFrame(b, frames[i])
		if len(b) >= maxBatch || i == len(frames)-1 {
			var n int
			n, err = w.Conn.Write(b)
			if err != nil {
				rest = append(rest, b[n:]...)
			}
			b = b[:0]
		}
	}
	w.mu.Unlock()
	if err != nil {
		for _, f := range frames[i:] {
			rest = appendTextFrame(rest, f)
		}
	}
	if cap(b) <= 4*maxBatch {
		*bp = b[:0]
		batchPool.Put(bp)
	}
	return rest, err
}

// writeBytes writes bytes that are already framed (the rest of a batch).
func (w *wire) writeBytes(b []byte, deadline time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.Conn.SetWriteDeadline(deadline); err != nil {
		return err
	}
	_, err := w.Conn.Write(b)
	return err
}

// appendTextFrame appends one unmasked, unfragmented text frame (RFC 6455
// §5.2: FIN and opcode 1, then the payload length in 7, 7+16 or 7+64
// bits; a server never masks).
func appendTextFrame(b, payload []byte) []byte {
	const finText = 0x80 | 0x1
	n := len(payload)
	switch {
	case n < 126:
		b = append(b, finText, byte(n))
	case n <= 0xFFFF:
		b = append(b, finText, 126, byte(n>>8), byte(n))
	default:
		u := uint64(n)
		b = append(b, finText, 127, byte(u>>56), byte(u>>48), byte(u>>40), byte(u>>32),
			byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
	}
	return append(b, payload...)
}

// hijackWriter hands gorilla a wire instead of the raw connection.
type hijackWriter struct {
	http.ResponseWriter
	wire *wire
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
	w.wire = &wire{Conn: nc}
	return w.wire, brw, nil
}
