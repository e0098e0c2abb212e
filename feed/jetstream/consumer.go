package jetstream

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
)

// Consumer parameters.
const (
	// catchUpBatch is how many changes one read of the log covers when a
	// consumer catches up from the database.
	catchUpBatch = 256
	// streamCheckEvery is how often a running consumer checks that the
	// stream it reads is still the one it started on (see Run).
	streamCheckEvery = 2 * time.Second
)

// Consumer reads the log's stream and publishes each change, in order, to
// this node's in-process bus (feed.LocalBus), whose subscriber is the hub.
//
// Where it starts: Start creates an ordered, ephemeral JetStream consumer
// that delivers only messages stored from then on ("deliver new"), and
// then reads the changes after the given log position from the log itself.
// Starting by stream sequence would need a map from log positions to
// stream sequences that the stream does not keep (several relays, purges
// and re-created streams shift them); the log, read by cursor, is exact.
// A change is in the log before any relay publishes it, so every change
// after the position is either read from the log or stored in the stream
// after the consumer exists — at least once; the hub drops repeats by Seq.
// The same catch-up runs whenever the consumer has to start again, so
// neither a reconnect nor a stream that lost its data loses a change; a
// jump in Seq while consuming is refilled by the hub
// (feed.Hub.RepairGapsFrom).
type Consumer struct {
	js     natsjs.JetStream
	cfg    StreamConfig
	bus    feed.Bus
	log    feed.ChangeLog
	logger *slog.Logger
	// checkEvery is streamCheckEvery; tests shorten it.
	checkEvery time.Duration

	// mu serialises delivery (the stream's handler and catch-ups) and
	// guards last, the highest Seq handed to the bus.
	mu   sync.Mutex
	last uint64

	// The consumer being read, and the stream as it was when it started;
	// they belong to the goroutine that runs Start and Run.
	current   natsjs.ConsumeContext
	created   time.Time
	streamSeq uint64 // the last stream sequence delivered (atomic through mu)
}

// NewConsumer returns a consumer of cfg's stream that publishes to bus
// and catches up from log.
func NewConsumer(js natsjs.JetStream, cfg StreamConfig, bus feed.Bus, log feed.ChangeLog, logger *slog.Logger) *Consumer {
	if logger == nil {
		logger = slog.Default()
	}
	return &Consumer{js: js, cfg: cfg, bus: bus, log: log, logger: logger, checkEvery: streamCheckEvery}
}

// Start begins delivering the changes after the log position after (the
// position this node's hub starts from: feed.LogInfo.Last when the node
// opened the log). Call it before the node serves, then Run. It returns
// an error when the stream cannot be reached or made.
func (c *Consumer) Start(ctx context.Context, after uint64) error {
	c.mu.Lock()
	c.last = after
	c.mu.Unlock()
	return c.begin(ctx)
}

// Run consumes until ctx ends, starting again (with a catch-up from the
// log) whenever the JetStream consumer fails for good or the stream was
// re-created under it, and returns ctx's error. Start must have succeeded.
func (c *Consumer) Run(ctx context.Context) error {
	wait := minBackoff
	for {
		err := c.follow(ctx)
		c.stop()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.logger.Warn("jetstream: consumer stopped; starting again from the log", "after", c.Last(), "err", err)
		for {
			sleep(ctx, wait)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := c.begin(ctx); err != nil {
				c.logger.Warn("jetstream: starting the consumer", "err", err)
				wait = backoff(wait)
				continue
			}
			wait = minBackoff
			break
		}
	}
}

// Last is the highest Seq the consumer has handed to the bus.
func (c *Consumer) Last() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// begin creates the JetStream consumer ("deliver new"), catches up from
// the log, and only then lets stream messages through, so the bus sees
// the log's changes before the newer ones the stream holds.
func (c *Consumer) begin(ctx context.Context) error {
	stream, err := EnsureStream(ctx, c.js, c.cfg)
	if err != nil {
		return err
	}
	cons, err := c.js.OrderedConsumer(ctx, c.cfg.StreamName(), natsjs.OrderedConsumerConfig{
		FilterSubjects: []string{c.cfg.Subject()},
		DeliverPolicy:  natsjs.DeliverNewPolicy,
	})
	if err != nil {
		return err
	}
	c.created = stream.CachedInfo().Created
	c.mu.Lock()
	c.streamSeq = 0
	c.mu.Unlock()
	if err := c.catchUp(ctx); err != nil {
		return err
	}
	cc, err := cons.Consume(c.handle, natsjs.ConsumeErrHandler(func(_ natsjs.ConsumeContext, err error) {
		c.logger.Debug("jetstream: consuming", "err", err)
	}))
	if err != nil {
		return err
	}
	c.current = cc
	return nil
}

// follow waits until ctx ends or the consumer must start again: its
// consume loop closed, or the stream is not the one it started on (re-
// created after the server lost its files, when the ordered consumer
// would wait for stream sequences the new stream will reach only much
// later, or no longer exists).
func (c *Consumer) follow(ctx context.Context) error {
	tick := time.NewTicker(c.checkEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.current.Closed():
			return errors.New("consume loop closed")
		case <-tick.C:
			if err := c.checkStream(ctx); err != nil {
				return err
			}
		}
	}
}

// checkStream reports an error when the stream is gone or was replaced.
// Errors reaching the server are not reported: the ordered consumer
// rides out a disconnection by itself.
func (c *Consumer) checkStream(ctx context.Context) error {
	// Read what was delivered before asking the stream, so that messages
	// delivered while the answer travels are not taken for a stream that
	// went backwards.
	c.mu.Lock()
	delivered := c.streamSeq
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, streamCheckEvery)
	defer cancel()
	stream, err := c.js.Stream(ctx, c.cfg.StreamName())
	if errors.Is(err, natsjs.ErrStreamNotFound) {
		return err
	}
	if err != nil {
		return nil
	}
	info := stream.CachedInfo()
	if !info.Created.Equal(c.created) || info.State.LastSeq < delivered {
		return errors.New("the stream was re-created")
	}
	return nil
}

func (c *Consumer) stop() {
	if c.current != nil {
		c.current.Stop()
		c.current = nil
	}
}

// handle delivers one stream message. A message that cannot be decoded is
// skipped with an error logged: the hub refills its Seq from the log when
// the next change arrives.
func (c *Consumer) handle(msg natsjs.Msg) {
	change, err := Decode(msg.Data())
	if err != nil {
		c.logger.Error("jetstream: a message that is not a change", "subject", msg.Subject(), "err", err)
		return
	}
	var streamSeq uint64
	if meta, err := msg.Metadata(); err == nil {
		streamSeq = meta.Sequence.Stream
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.streamSeq = max(c.streamSeq, streamSeq)
	c.deliverLocked(change)
}

// catchUp hands the bus the changes after last that the log holds, up to
// the first Seq the log does not show yet (a transaction that has not
// committed; the relay publishes it once it has).
func (c *Consumer) catchUp(ctx context.Context) error {
	for {
		from := c.Last()
		changes, err := c.log.LogChanges(ctx, from, catchUpBatch)
		if err != nil {
			return err
		}
		c.mu.Lock()
		n := 0
		for _, ch := range changes {
			if ch.Seq != c.last+1 {
				break
			}
			c.deliverLocked(ch)
			n++
		}
		c.mu.Unlock()
		if n < catchUpBatch {
			return nil
		}
	}
}

// deliverLocked publishes a change to the bus unless it is one already
// delivered; c.mu is held.
func (c *Consumer) deliverLocked(ch catalog.Change) {
	if ch.Seq <= c.last {
		return
	}
	c.bus.Publish(ch)
	c.last = ch.Seq
}
