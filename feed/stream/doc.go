// Package stream serves GET /v1/feed/stream: a distributor's feed over a
// websocket (API.md "Websocket protocol"), on plain net/http so that it can
// be mounted in any router, or natively on fasthttp (ServeFastHTTP), which
// is how the server mounts it under fiber.
//
// Each connection replays from its cursor, says "ready", then receives the
// hub's live frames. The client sends nothing but control frames: data
// frames of up to 4 KiB are read and ignored, larger ones close the
// connection with 1009. The server pings every 30 s, drops a peer silent
// for 75 s, re-checks the session with every ping (4001 when it was
// revoked), and closes a connection that cannot keep up with 4008.
//
// Writing: the hub's frames are encoded once per change and level and
// shared by every connection; this package frames them itself and writes
// each connection's queued frames in one system call under one deadline
// (wire.go). A few pool goroutines do the writing for all connections
// (pool.go), and under a burst of changes the flusher holds frames back
// for up to FlushInterval so that several changes share a write
// (flush.go). A peer too slow for that gets a goroutine of its own, and
// 4008 when its queue fills.
//
// An idle connection costs one goroutine (the reader), a timer and small
// buffers: no writer goroutine, gorilla's write buffer comes from a pool,
// and batch buffers are pooled across connections (8.3 KiB of RSS per
// idle connection mounted natively on fiber, TestMeasure_IdleConnections).
package stream
