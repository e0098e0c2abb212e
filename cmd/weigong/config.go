package main

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/assets/s3blobs"
	"github.com/weigong/weigong/cmd/weigong/server"
	"github.com/weigong/weigong/storage"
)

// serveConfig is what `weigong serve` is told by flags and environment.
type serveConfig struct {
	Addr string
	Data string
	// Store is the database: "" for bbolt under Data, or a postgres://
	// URL, shared by every node of one service.
	Store          string
	Origin         string
	AllowedOrigins []string
	NoRateLimit    bool
	Demo           bool
	SecureCookies  bool
	TrustedProxies []netip.Prefix
	DecodeMemory   int // MiB
	// Retention is how long the change log keeps changes for replay;
	// older cursors get 409 / resync.
	Retention time.Duration
	// AllowPrivateWebhooks lets webhooks reach loopback and private
	// addresses (receivers on the operator's own network, tests).
	AllowPrivateWebhooks bool
	// Bus is the NATS URL of the bus that carries changes between nodes
	// ("" = in-process, one node); BusReplicas is how many NATS servers
	// keep its stream.
	Bus         string
	BusReplicas int
	// Blobs is where photos live: nil means a folder on disk (BlobsDir),
	// else the S3-compatible bucket of --blobs s3://….
	Blobs *s3blobs.Config
	// BlobsDir is the folder of photos when Blobs is nil: --blobs DIR (a
	// folder every node mounts), else "" for the media folder of --data.
	BlobsDir string

	// clock and sweepEvery replace the wall clock and the sweep's period
	// in tests (no flag sets them): retention is proven by moving time,
	// not by waiting for it.
	clock      func() time.Time
	sweepEvery time.Duration
}

// parseServeFlags reads flags, each defaulting to its environment variable
// and then to the documented default (API.md "Running").
func parseServeFlags(args []string) (serveConfig, error) {
	var cfg serveConfig
	var allowed, proxies, blobs string
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", env("WEIGONG_ADDR", ":8080"), "listen address (WEIGONG_ADDR)")
	fs.StringVar(&cfg.Data, "data", env("WEIGONG_DATA", "./data"), "data directory: database and photos (WEIGONG_DATA)")
	fs.StringVar(&cfg.Store, "store", env("WEIGONG_STORE", ""), "database: postgres://… for PostgreSQL, shared by several nodes (WEIGONG_STORE); default: bbolt under --data")
	fs.StringVar(&cfg.Origin, "origin", env("WEIGONG_ORIGIN", ""), "public base URL for share links, e.g. https://wg.example.com (WEIGONG_ORIGIN); default: from each request")
	fs.StringVar(&allowed, "allowed-origins", env("WEIGONG_ALLOWED_ORIGINS", ""), "comma-separated extra origins allowed to use the session cookie (WEIGONG_ALLOWED_ORIGINS)")
	fs.BoolVar(&cfg.NoRateLimit, "no-rate-limit", envBool("WEIGONG_NO_RATE_LIMIT"), "turn rate limits off, for load tests (WEIGONG_NO_RATE_LIMIT)")
	fs.BoolVar(&cfg.Demo, "demo", envBool("WEIGONG_DEMO"), "seed a demo supplier and distributor on an empty data dir (WEIGONG_DEMO)")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", envBool("WEIGONG_SECURE_COOKIES"), "mark the session cookie Secure; use behind HTTPS (WEIGONG_SECURE_COOKIES)")
	fs.StringVar(&proxies, "trusted-proxies", env("WEIGONG_TRUSTED_PROXIES", ""), "comma-separated IPs and CIDRs of reverse proxies whose X-Forwarded-Host/-Proto/-For are believed (WEIGONG_TRUSTED_PROXIES); default: none")
	fs.IntVar(&cfg.DecodeMemory, "decode-memory", assets.DefaultDecodeMemory>>20, "MiB of memory for decoding photos at once, whatever the core count; a photo that needs more alone is refused with 413 (WEIGONG_DECODE_MEMORY)")
	if v, ok := os.LookupEnv("WEIGONG_DECODE_MEMORY"); ok {
		if err := fs.Set("decode-memory", v); err != nil {
			return cfg, fmt.Errorf("WEIGONG_DECODE_MEMORY: %w", err)
		}
	}
	fs.DurationVar(&cfg.Retention, "retention", envDuration("WEIGONG_RETENTION", storage.DefaultChangeRetention),
		"how long changes stay replayable, e.g. 720h; older cursors get 409 / resync (WEIGONG_RETENTION)")
	fs.BoolVar(&cfg.AllowPrivateWebhooks, "allow-private-webhooks", envBool("WEIGONG_ALLOW_PRIVATE_WEBHOOKS"),
		"let webhooks reach loopback, private and link-local addresses (WEIGONG_ALLOW_PRIVATE_WEBHOOKS); default: refused")
	fs.StringVar(&cfg.Bus, "bus", env("WEIGONG_BUS", ""), "NATS JetStream URL(s) carrying changes between nodes, e.g. nats://127.0.0.1:4222 (WEIGONG_BUS); default: in-process, one node")
	fs.IntVar(&cfg.BusReplicas, "bus-replicas", 1, "how many NATS servers keep the change stream: 1, or 3 on a three-server cluster")
	fs.StringVar(&blobs, "blobs", env("WEIGONG_BLOBS", ""),
		"where photos live: s3://bucket[/prefix]?endpoint=host:port&region=…&secure=false&path-style=true, with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a folder every node mounts (WEIGONG_BLOBS); default: the data dir")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if blobs != "" && !strings.Contains(blobs, ":") {
		cfg.BlobsDir = blobs
	} else if blobs != "" {
		s3, err := s3blobs.ParseURL(blobs)
		if err != nil {
			return cfg, fmt.Errorf("--blobs: %w", err)
		}
		cfg.Blobs = &s3
	}
	if err := checkBusFlags(cfg); err != nil {
		return cfg, err
	}
	if cfg.DecodeMemory < 1 {
		return cfg, fmt.Errorf("--decode-memory must be at least 1 (MiB), not %d", cfg.DecodeMemory)
	}
	if cfg.Store != "" && !isPostgresURL(cfg.Store) {
		return cfg, fmt.Errorf("--store must be a postgres:// URL (or empty for bbolt under --data), not %q", cfg.Store)
	}
	if cfg.Retention < time.Hour {
		return cfg, fmt.Errorf("--retention must be at least 1h, not %s", cfg.Retention)
	}
	var err error
	if cfg.TrustedProxies, err = server.ParseTrustedProxies(proxies); err != nil {
		return cfg, err
	}
	for _, o := range strings.Split(allowed, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.AllowedOrigins = append(cfg.AllowedOrigins, o)
		}
	}
	cfg.Origin = strings.TrimRight(cfg.Origin, "/")
	return cfg, nil
}

// isPostgresURL reports whether store names a PostgreSQL database.
func isPostgresURL(store string) bool {
	return strings.HasPrefix(store, "postgres://") || strings.HasPrefix(store, "postgresql://")
}

func env(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}

// envDuration reads a duration such as "720h" from the environment; an
// unparsable value falls back, and flag parsing then reports nothing, so
// it is checked: a typo must not silently keep the default.
func envDuration(name string, fallback time.Duration) time.Duration {
	v, ok := os.LookupEnv(name)
	if !ok {
		return fallback
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "weigong: %s=%q is not a duration (such as 720h); using %s\n", name, v, fallback)
		return fallback
	}
	return d
}

func envBool(name string) bool {
	v := strings.ToLower(os.Getenv(name))
	return v == "1" || v == "true" || v == "yes"
}

// checkBusFlags refuses a --bus that is not a NATS URL and a replica
// count JetStream does not accept (1 to 5).
func checkBusFlags(cfg serveConfig) error {
	for _, u := range strings.Split(cfg.Bus, ",") {
		if cfg.Bus != "" && !strings.HasPrefix(strings.TrimSpace(u), "nats://") && !strings.HasPrefix(strings.TrimSpace(u), "tls://") {
			return fmt.Errorf("--bus must be nats://host:port (or tls://), comma-separated; not %q", u)
		}
	}
	if cfg.BusReplicas < 1 || cfg.BusReplicas > 5 {
		return fmt.Errorf("--bus-replicas must be 1 to 5, not %d", cfg.BusReplicas)
	}
	return nil
}
