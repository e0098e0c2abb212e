package jetstream

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"
	"github.com/weigong/weigong/catalog"
)

// ackTimeout bounds one wait for JetStream's acknowledgement; a publish
// that times out is sent again (same message ID, so at most one copy is
// kept).
const ackTimeout = 5 * time.Second

// Publisher publishes committed changes to the log's stream. Its Handle is
// the relay's (feed.Tailer.Handle): the relay hands the next change on only
// when JetStream has acknowledged this one, so changes enter the stream in
// Seq order and none is skipped.
type Publisher struct {
	js     natsjs.JetStream
	cfg    StreamConfig
	logger *slog.Logger
}

// NewPublisher ensures the stream exists with cfg and returns a publisher
// to it.
func NewPublisher(ctx context.Context, js natsjs.JetStream, cfg StreamConfig, log *slog.Logger) (*Publisher, error) {
	if _, err := EnsureStream(ctx, js, cfg); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	return &Publisher{js: js, cfg: cfg, logger: log}, nil
}

// Handle publishes c with the message ID "<logID>:<seq>" and waits for the
// acknowledgement. It retries with backoff (50 ms doubling to 2 s) while
// NATS is unreachable or the stream is missing (re-creating it), and
// returns nil once JetStream has c — as a new message or as a duplicate of
// one another relay published — or ctx's error when ctx ends first. A
// change that cannot be encoded is returned as an error at once.
func (p *Publisher) Handle(ctx context.Context, c catalog.Change) error {
	data, err := Encode(c)
	if err != nil {
		return err
	}
	id := p.cfg.MsgID(c.Seq)
	wait := minBackoff
	for attempt := 1; ; attempt++ {
		err := p.publish(ctx, data, id)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if attempt == 1 || attempt%20 == 0 {
			p.logger.Warn("jetstream: publishing a change, will retry", "seq", c.Seq, "attempt", attempt, "err", err)
		}
		if errors.Is(err, natsjs.ErrNoStreamResponse) || errors.Is(err, natsjs.ErrStreamNotFound) {
			// The stream is gone (a server that lost its files): make it
			// again; the consumers catch up from the log.
			if _, err := EnsureStream(ctx, p.js, p.cfg); err != nil {
				p.logger.Warn("jetstream: re-creating the stream", "err", err)
			}
		}
		sleep(ctx, wait)
		wait = backoff(wait)
	}
}

// publish makes one attempt. The message is new each time because the
// client sets its headers.
func (p *Publisher) publish(ctx context.Context, data []byte, id string) error {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	msg := &nats.Msg{Subject: p.cfg.Subject(), Data: data}
	_, err := p.js.PublishMsg(ctx, msg, natsjs.WithMsgID(id), natsjs.WithExpectStream(p.cfg.StreamName()))
	return err
}
