package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/weigong/weigong/feed/jetstream"
)

// natsCommand runs an embedded NATS server with JetStream, fsyncing every
// write, until SIGINT or SIGTERM: the bus of `weigong serve --bus` for a
// newcomer trying several nodes on one machine, with nothing else to
// install. Production runs nats-server (docs/SCALE.md).
func natsCommand(args []string, stdout io.Writer) error {
	cfg := jetstream.ServerConfig{}
	fs := flag.NewFlagSet("nats", flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", env("WEIGONG_NATS_ADDR", "127.0.0.1:4222"), "listen address; port 0 picks a free one (WEIGONG_NATS_ADDR)")
	fs.StringVar(&cfg.Dir, "dir", env("WEIGONG_NATS_DIR", "./data/nats"), "directory of JetStream's files (WEIGONG_NATS_DIR)")
	fs.StringVar(&cfg.Name, "name", "", "server name (default: generated)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runNATS(ctx, cfg, stdout)
}

// runNATS serves until ctx ends. It prints the URL to give `weigong serve
// --bus`, so that tests and scripts can start it on port 0.
func runNATS(ctx context.Context, cfg jetstream.ServerConfig, stdout io.Writer) error {
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", cfg.Dir, err)
	}
	s, err := jetstream.RunServer(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "weigong nats: JetStream on nats://%s (files in %s, fsync on every write); use: weigong serve --bus nats://%s\n",
		s.Addr(), cfg.Dir, s.Addr())
	<-ctx.Done()
	s.Shutdown()
	s.WaitForShutdown()
	return nil
}
