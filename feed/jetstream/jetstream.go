// Package jetstream carries committed changes between Weigong nodes over
// NATS JetStream, so that several `weigong serve` processes on one shared
// database feed every open connection, whichever node took the write.
//
// The path of a change: a node's relay (a feed.Tailer over the shared
// change log) hands it to a Publisher, which publishes it to the stream
// and waits for JetStream's acknowledgement; every node runs a Consumer
// that reads the stream and publishes each change, in order, to its own
// in-process feed.LocalBus, whose subscriber is that node's hub.
//
// JetStream is a transport, not the record: the database's change log is.
// Every node's relay publishes every change, with the message ID
// "<logID>:<seq>", so JetStream's duplicate window keeps one copy however
// many relays publish it (or a relay retries after a crash), and a change
// reaches the stream even when the node that wrote it died before its relay
// ran. Whatever the stream loses (a purge, limits, a server that lost its
// files) is read back from the database by cursor: the hub refills a jump
// in Seq from the log (feed.Hub.RepairGapsFrom), and a Consumer that had to
// start again reads what it missed from the log before it follows the
// stream again.
//
// Durability of the stream itself: the server must fsync every write. The
// embedded server (RunServer) sets SyncAlways; a real cluster needs
// `jetstream { sync_interval: always }` in every server's configuration,
// because with the default two-minute interval an acknowledged message can
// be lost when servers crash together (Jepsen, NATS 2.12.1, 2025:
// https://jepsen.io/analyses/nats-2.12.1).
//
// Running it: `weigong nats --addr 127.0.0.1:4222 --dir DIR` runs an
// embedded server for trying several nodes on one machine; then start each
// node with `weigong serve --bus nats://127.0.0.1:4222` on the shared
// database. A production cluster is three nats-server processes (2.10 or
// later; Debian's 2.9.10 has no sync_interval), each configured with
//
//	jetstream {
//	    store_dir: /var/lib/nats
//	    sync_interval: always
//	}
//	cluster {
//	    name: weigong
//	    listen: 0.0.0.0:6222
//	    routes: [nats://nats-1:6222, nats://nats-2:6222, nats://nats-3:6222]
//	}
//
// and the nodes started with `--bus nats://nats-1:4222,nats://nats-2:4222,
// nats://nats-3:4222 --bus-replicas 3`, so the stream survives the loss of
// one server.
//
// Why every relay publishes rather than one elected publisher: no
// election to get wrong, and a change committed by a node that died at
// once is still published by the others. It costs one publish (and one
// acknowledgement) per node per change; duplicates are not written again.
// The relays are not durable tailers: a change committed while no node ran
// reaches no live connection anyway, and clients resume by cursor.
package jetstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"
)

// StreamConfig says how the stream of one change log is kept.
type StreamConfig struct {
	// LogID is the change log's ID (feed.LogInfo.ID); it names the stream
	// and its subject, so two databases never share one.
	LogID string
	// Replicas is how many servers keep the stream: 1 for one server, 3
	// for a three-server cluster. Zero means 1.
	Replicas int
	// DuplicateWindow is how long JetStream remembers a message ID. A
	// relay that republishes a change later than this (one stalled for
	// minutes) adds a second copy, which the hubs drop by Seq. Zero means
	// DefaultDuplicateWindow.
	DuplicateWindow time.Duration
	// MaxAge is how long the stream keeps a change. Nodes read the stream
	// live, so it only has to outlast a consumer's reconnect; the database
	// keeps the record. Zero means DefaultMaxAge.
	MaxAge time.Duration
}

// Defaults of StreamConfig.
const (
	DefaultDuplicateWindow = 2 * time.Minute
	DefaultMaxAge          = time.Hour
)

// StreamName is the JetStream stream that carries the log's changes.
func (c StreamConfig) StreamName() string { return "WEIGONG_CHANGES_" + safeToken(c.LogID) }

// Subject is the subject the log's changes are published on:
// weigong.<logID>.changes.
func (c StreamConfig) Subject() string { return "weigong." + safeToken(c.LogID) + ".changes" }

// MsgID is the message ID of the change with the given Seq: "<logID>:<seq>".
// JetStream drops a second message with the same ID inside the duplicate
// window.
func (c StreamConfig) MsgID(seq uint64) string { return fmt.Sprintf("%s:%d", c.LogID, seq) }

// safeToken keeps a log ID usable in stream names and subjects, which must
// not contain dots, wildcards or spaces. Log IDs are hex or UUIDs, so this
// changes nothing in practice.
func safeToken(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '.', '*', '>', ' ', '\t', '\n', '\r', '/', '\\':
			return '_'
		}
		return r
	}, s)
}

// jetStreamConfig is the stream as JetStream is told it: file storage (the
// server fsyncs each write when run with sync_interval: always), the
// duplicate window for message IDs, and old messages dropped by age.
func (c StreamConfig) jetStreamConfig() natsjs.StreamConfig {
	replicas, window, age := c.Replicas, c.DuplicateWindow, c.MaxAge
	if replicas <= 0 {
		replicas = 1
	}
	if window <= 0 {
		window = DefaultDuplicateWindow
	}
	if age <= 0 {
		age = DefaultMaxAge
	}
	return natsjs.StreamConfig{
		Name:        c.StreamName(),
		Description: "Weigong: committed changes of change log " + c.LogID,
		Subjects:    []string{c.Subject()},
		Storage:     natsjs.FileStorage,
		Replicas:    replicas,
		Duplicates:  window,
		MaxAge:      age,
		Discard:     natsjs.DiscardOld,
		Retention:   natsjs.LimitsPolicy,
	}
}

// EnsureStream creates the stream, or updates it to cfg. Every node calls
// it at start; the configuration is the same on all of them, so the
// updates agree.
func EnsureStream(ctx context.Context, js natsjs.JetStream, cfg StreamConfig) (natsjs.Stream, error) {
	if cfg.LogID == "" {
		return nil, errors.New("jetstream: the stream needs the change log's ID")
	}
	s, err := js.CreateOrUpdateStream(ctx, cfg.jetStreamConfig())
	if err != nil {
		return nil, fmt.Errorf("jetstream: creating stream %s: %w", cfg.StreamName(), err)
	}
	return s, nil
}

// Connect connects to the NATS servers in url (comma-separated, e.g.
// "nats://10.0.0.1:4222,nats://10.0.0.2:4222") and returns the connection
// (close it when done) and its JetStream API. The connection reconnects
// for ever; a publish or a consumer waits meanwhile. name shows in the
// server's connection list.
func Connect(url, name string, log *slog.Logger) (*nats.Conn, natsjs.JetStream, error) {
	if log == nil {
		log = slog.Default()
	}
	nc, err := nats.Connect(url, nats.Name(name), nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond), nats.Timeout(5*time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats: disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) { log.Info("nats: reconnected", "server", nc.ConnectedUrl()) }))
	if err != nil {
		return nil, nil, fmt.Errorf("jetstream: connecting to %s: %w", url, err)
	}
	js, err := natsjs.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

// Backoff bounds of the publisher's and the consumer's retries.
const (
	minBackoff = 50 * time.Millisecond
	maxBackoff = 2 * time.Second
)

// backoff doubles d up to maxBackoff.
func backoff(d time.Duration) time.Duration { return min(2*d, maxBackoff) }

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
