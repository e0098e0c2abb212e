package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/assets/s3blobs"
	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/cmd/weigong/server"
	"github.com/weigong/weigong/feed"
	"github.com/weigong/weigong/feed/stream"
	"github.com/weigong/weigong/feed/webhook"
	"github.com/weigong/weigong/share"
	"github.com/weigong/weigong/storage"
	"github.com/weigong/weigong/storage/sharedstate"
)

// serveCommand starts the whole product in one process and runs until
// SIGINT or SIGTERM, then drains.
func serveCommand(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServeFlags(args)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, cfg, log, stdout)
}

// node is one running Weigong process: every service, wired.
type node struct {
	db       *storage.DB
	catalog  *catalog.Service
	pipeline *assets.Pipeline
	blobs    assets.BlobStore
	views    *share.ViewCounter
	stream   *stream.Handler
	http     *server.Server
	// relay tails the change log and feeds the hub through the bus.
	relay   *feed.Tailer
	bus     *nodeBus
	sweep   *sweeper
	release *releaser
	// hooks tails the log durably into webhook deliveries; sender posts them.
	hooks  *feed.Tailer
	sender *webhook.Sender
	// newHooksTailer makes hooks afresh, to reload its durable position.
	newHooksTailer func(log *slog.Logger) *feed.Tailer
	// shared holds the rate limits and visitors several nodes share; nil
	// on bbolt.
	shared *sharedstate.State
	// background ends when the webhook goroutines have stopped.
	background sync.WaitGroup
}

// openNode opens the data directory and wires the services together. This
// is the one place that knows which implementation backs which interface.
func openNode(cfg serveConfig, log *slog.Logger) (*node, error) {
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("creating data dir: %w", err)
	}
	db, err := openStore(cfg)
	if err != nil {
		return nil, err
	}
	blobs, err := openBlobs(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	pipeline := assets.NewPipeline(runtime.NumCPU(), assets.DecodeMemory(int64(cfg.DecodeMemory)<<20))
	n := &node{db: db, blobs: blobs, pipeline: pipeline}
	secretKey, err := loadSecretKey(cfg.Data, db, cfg.Store != "")
	if err != nil {
		db.Close()
		return nil, err
	}
	n.catalog = catalog.NewService(catalog.Stores{Units: db, Accounts: db, Sessions: db, Images: db, Cards: db,
		Follows: db, Orders: db, Keys: db, SearchIndex: db})
	feedService := &feed.Service{Store: db, Follows: db}
	info, err := db.Log(context.Background())
	if err != nil {
		db.Close()
		return nil, err
	}
	// Writes only append to the change log; the relay tails it and hands
	// each change to the bus, whose subscriber is this node's hub. The
	// relay's position is fixed now, before any websocket can replay.
	if n.bus, err = openBus(cfg, info, db, log); err != nil {
		db.Close()
		return nil, err
	}
	hub := feed.NewHub(info.ID, n.bus, db, log)
	hub.RepairGapsFrom(db)
	n.relay = &feed.Tailer{Log: db, Logger: log, Handle: n.bus.Relay}
	if err := n.relay.Start(context.Background()); err != nil {
		n.bus.close()
		db.Close()
		return nil, err
	}
	if err := n.bus.start(context.Background()); err != nil {
		n.bus.close()
		db.Close()
		return nil, err
	}
	if cfg.Retention <= 0 {
		cfg.Retention = storage.DefaultChangeRetention
	}
	n.sweep = &sweeper{db: db, catalog: n.catalog, retention: cfg.Retention, every: sweepEvery, now: func() time.Time { return time.Now().UTC() }, log: log}
	if cfg.clock != nil {
		n.sweep.now, n.catalog.Now = cfg.clock, cfg.clock
		db.SetClock(cfg.clock)
	}
	if cfg.sweepEvery > 0 {
		n.sweep.every = cfg.sweepEvery
	}
	n.release = &releaser{db: db, catalog: n.catalog, now: n.sweep.now, every: n.sweep.every, log: log}
	webhooks, err := n.openWebhooks(cfg, info.ID, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	n.views = share.NewViewCounter(db, time.Hour)
	rates, err := n.openSharedState(cfg, secretKey, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	shares := &share.Service{Shares: db, Catalog: n.catalog, Views: n.views}
	n.http = server.New(server.Config{Origin: cfg.Origin, AllowedOrigins: cfg.AllowedOrigins,
		RateLimits: !cfg.NoRateLimit, SecureCookies: cfg.SecureCookies, TrustedProxies: cfg.TrustedProxies},
		server.Deps{Catalog: n.catalog, Feed: feedService, Pipeline: n.pipeline, Blobs: blobs,
			Shares: shares, Webhooks: webhooks, RateCounter: rates, Now: cfg.clock, Log: log})
	n.stream = &stream.Handler{Hub: hub, Feed: feedService, Authenticate: n.http.StreamAuth,
		SessionValid: n.catalog.SessionValid, Logger: log}
	n.http.MountStream(n.stream, n.stream.CloseSession)
	return n, nil
}

// openBlobs opens the store of photo files, collages and watermarked
// copies: the media folder of the data directory, a folder every node
// mounts (--blobs DIR), or the S3-compatible bucket of --blobs s3://…. The store also
// serves share.Blobs (the collage and watermark caches), so with a bucket
// those caches are shared too.
func openBlobs(cfg serveConfig) (assets.BlobStore, error) {
	if cfg.Blobs == nil && cfg.BlobsDir != "" {
		return assets.NewDiskStore(cfg.BlobsDir)
	}
	if cfg.Blobs == nil {
		return assets.NewDiskStore(filepath.Join(cfg.Data, "media"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return s3blobs.Open(ctx, *cfg.Blobs)
}

// openSharedState makes the nodes of a service on PostgreSQL count rate
// limits and share-page visitors together (storage/sharedstate), so that
// a limit of N is N across the service and a visitor is counted once
// whichever node serves them. It uses the store's pool: one pool a node.
// On bbolt (one node) both stay in memory and it returns a nil counter,
// the server's in-process default.
func (n *node) openSharedState(cfg serveConfig, secretKey []byte, log *slog.Logger) (server.RateCounter, error) {
	pool := n.db.PostgresPool()
	if pool == nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	state, err := sharedstate.New(ctx, pool)
	if err != nil {
		return nil, err
	}
	if cfg.clock != nil {
		state.SetClock(cfg.clock)
	}
	n.shared = state
	n.views.ShareVisitors(state, share.VisitorSalt(secretKey), log)
	return state, nil
}

// openStore opens the database: PostgreSQL when --store names one, else
// the bbolt file in the data directory.
func openStore(cfg serveConfig) (*storage.DB, error) {
	if cfg.Store == "" {
		return storage.Open(dbPath(cfg.Data))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return storage.OpenPostgres(ctx, cfg.Store)
}

// leaseName is the lease under which the node-wide singletons run (the
// sweep, the early-access releaser, the webhook fan-out and sender): on
// PostgreSQL one node of the service runs them, and another takes over
// within leaseEvery when it dies.
const leaseName = "singletons"

var leaseEvery = 2 * time.Second

// runSingletons runs the singletons whenever this node holds the lease,
// until ctx ends. On bbolt the lease is always this node's.
func (n *node) runSingletons(ctx context.Context, log *slog.Logger) {
	for first := true; ; first = false {
		held, release, err := n.db.Lead(ctx, leaseName, leaseEvery)
		if err != nil {
			return // ctx ended
		}
		if !first {
			// Another node may have moved the durable position meanwhile.
			n.hooks = n.newHooksTailer(log)
		}
		var jobs sync.WaitGroup
		jobs.Go(func() { n.sweep.run(held) })
		jobs.Go(func() { n.release.run(held) })
		jobs.Go(func() { _ = n.hooks.Run(held) })
		jobs.Go(func() { _ = n.sender.Run(held) })
		<-held.Done()
		jobs.Wait()
		release()
		if ctx.Err() != nil {
			return
		}
		log.Warn("lost the singletons lease; trying to take it again")
	}
}

// serve runs a node until ctx ends. It prints the address it listens on,
// so that tests and scripts can start it on port 0.
func serve(ctx context.Context, cfg serveConfig, log *slog.Logger, stdout io.Writer) error {
	n, err := openNode(cfg, log)
	if err != nil {
		return err
	}
	defer n.db.Close()
	defer n.bus.close()
	if cfg.Demo {
		if err := seedDemo(ctx, n.catalog, n.pipeline, n.blobs, cfg.Addr, stdout); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	background, cancelBackground := context.WithCancel(context.Background())
	defer cancelBackground()
	go n.views.Run(background, 2*time.Second)
	go func() { _ = n.relay.Run(background) }()
	go n.bus.run(background)
	// The webhook goroutines end within drain's wait (n.background).
	n.background.Go(func() { n.runSingletons(background, log) })

	served := make(chan error, 1)
	go func() { served <- n.http.App().Listener(ln) }()
	fmt.Fprintf(stdout, "weigong: listening on http://%s (data in %s)\n", ln.Addr(), cfg.Data)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	return drain(n, cancelBackground, log)
}

// drain stops a node gracefully: websockets close with 1001, in-flight
// requests finish, pending view counts are flushed, then the database
// closes (deferred by serve).
func drain(n *node, stopBackground context.CancelFunc, log *slog.Logger) error {
	log.Info("shutting down")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	n.stream.Shutdown(ctx)
	err := n.http.App().ShutdownWithContext(ctx)
	stopBackground()
	n.background.Wait() // attempts in flight end within webhook.Timeout
	if ferr := n.views.Flush(context.Background()); ferr != nil && !errors.Is(ferr, context.Canceled) {
		log.Error("flushing view counts", "err", ferr)
	}
	if n.shared != nil {
		n.shared.Close()
	}
	return err
}

// openWebhooks wires webhook delivery: a durable tailer of the change log
// that stores deliveries (its position fixed now, so a change committed
// while the node was down is delivered), the sender that posts them, and
// the service behind /v1/webhooks.
func (n *node) openWebhooks(cfg serveConfig, logID string, log *slog.Logger) (*webhook.Service, error) {
	guard := &webhook.Guard{AllowPrivate: cfg.AllowPrivateWebhooks}
	n.sender = webhook.NewSender(n.db, guard, log)
	now := func() time.Time { return time.Now().UTC() }
	if cfg.clock != nil {
		n.sender.Now, now = cfg.clock, cfg.clock
	}
	fanout := &webhook.Fanout{Store: n.db, Follows: n.db, LogID: logID, Kick: n.sender.Kick, Now: now}
	n.newHooksTailer = func(log *slog.Logger) *feed.Tailer {
		return &feed.Tailer{Name: webhook.TailerName, Log: n.db, Cursors: n.db, Logger: log, Handle: fanout.Handle}
	}
	n.hooks = n.newHooksTailer(log)
	if err := n.hooks.Start(context.Background()); err != nil {
		return nil, err
	}
	return &webhook.Service{Store: n.db, Guard: guard, Log: n.db, Kick: n.sender.Kick, Now: now,
		NewID: n.catalog.NewID}, nil
}
