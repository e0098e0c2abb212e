// Package stream serves GET /v1/feed/stream: a distributor's feed over a
// websocket (API.md "Websocket protocol"), on plain net/http so that it can
// be mounted in any router, fiber included (through its adaptor).
//
// Each connection replays from its cursor, says "ready", then receives the
// hub's live frames. The client sends nothing but control frames: data
// frames of up to 4 KiB are read and ignored, larger ones close the
// connection with 1009. The server pings every 30 s, drops a peer silent
// for 75 s, re-checks the session with every ping (4001 when it was
// revoked), and closes a connection that cannot keep up with 4008.
//
// An idle connection costs one goroutine (the reader), a timer and small
// buffers: the writer goroutine exists only while frames are queued, and
// gorilla's write buffer comes from a pool.
package stream
