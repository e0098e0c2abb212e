package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/jetstream"
)

// nodeBus is how committed changes travel from the relay to this node's
// hub. In one process (the default) the relay publishes straight to a
// LocalBus; with --bus nats://… the relay publishes to JetStream and a
// consumer feeds the LocalBus from the stream, so every node's hub gets
// the changes committed through any node.
type nodeBus struct {
	// Bus is what the hub subscribes to.
	feed.Bus
	// Relay is the relay's Handle (feed.Tailer.Handle).
	Relay func(ctx context.Context, c catalog.Change) error
	// start runs after the hub has subscribed and before the node serves;
	// run runs in the background until its context ends; close runs when
	// the node has drained.
	start func(ctx context.Context) error
	run   func(ctx context.Context)
	close func()
}

// busStartTimeout bounds connecting to NATS and creating the stream at
// start: a node that cannot reach its bus should say so, not hang.
const busStartTimeout = 15 * time.Second

// openBus returns the bus for cfg.Bus: in-process when it is empty, else
// JetStream at that URL for the log described by info, catching up from
// log when the stream missed something (package feed/jetstream).
func openBus(cfg serveConfig, info feed.LogInfo, log feed.ChangeLog, logger *slog.Logger) (*nodeBus, error) {
	local := feed.NewLocalBus()
	if cfg.Bus == "" {
		return &nodeBus{Bus: local,
			Relay: func(_ context.Context, c catalog.Change) error { local.Publish(c); return nil },
			start: func(context.Context) error { return nil }, run: func(context.Context) {}, close: func() {}}, nil
	}
	host, _ := os.Hostname()
	nc, js, err := jetstream.Connect(cfg.Bus, "weigong serve "+host, logger)
	if err != nil {
		return nil, err
	}
	stream := jetstream.StreamConfig{LogID: info.ID, Replicas: cfg.BusReplicas}
	ctx, cancel := context.WithTimeout(context.Background(), busStartTimeout)
	defer cancel()
	publisher, err := jetstream.NewPublisher(ctx, js, stream, logger)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("--bus %s: %w", cfg.Bus, err)
	}
	consumer := jetstream.NewConsumer(js, stream, local, log, logger)
	return &nodeBus{Bus: local, Relay: publisher.Handle,
		start: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, busStartTimeout)
			defer cancel()
			return consumer.Start(ctx, info.Last)
		},
		run:   func(ctx context.Context) { _ = consumer.Run(ctx) },
		close: nc.Close}, nil
}
