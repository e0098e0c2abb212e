package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/weigong/weigong/assets"
)

// serveConfig is what `weigong serve` is told by flags and environment.
type serveConfig struct {
	Addr           string
	Data           string
	Origin         string
	AllowedOrigins []string
	NoRateLimit    bool
	Demo           bool
	SecureCookies  bool
	DecodeMemory   int // MiB
}

// parseServeFlags reads flags, each defaulting to its environment variable
// and then to the documented default (API.md "Running").
func parseServeFlags(args []string) (serveConfig, error) {
	var cfg serveConfig
	var allowed string
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", env("WEIGONG_ADDR", ":8080"), "listen address (WEIGONG_ADDR)")
	fs.StringVar(&cfg.Data, "data", env("WEIGONG_DATA", "./data"), "data directory: database and photos (WEIGONG_DATA)")
	fs.StringVar(&cfg.Origin, "origin", env("WEIGONG_ORIGIN", ""), "public base URL for share links, e.g. https://wg.example.com (WEIGONG_ORIGIN); default: from each request")
	fs.StringVar(&allowed, "allowed-origins", env("WEIGONG_ALLOWED_ORIGINS", ""), "comma-separated extra origins allowed to use the session cookie (WEIGONG_ALLOWED_ORIGINS)")
	fs.BoolVar(&cfg.NoRateLimit, "no-rate-limit", envBool("WEIGONG_NO_RATE_LIMIT"), "turn rate limits off, for load tests (WEIGONG_NO_RATE_LIMIT)")
	fs.BoolVar(&cfg.Demo, "demo", envBool("WEIGONG_DEMO"), "seed a demo supplier and distributor on an empty data dir (WEIGONG_DEMO)")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", envBool("WEIGONG_SECURE_COOKIES"), "mark the session cookie Secure; use behind HTTPS (WEIGONG_SECURE_COOKIES)")
	fs.IntVar(&cfg.DecodeMemory, "decode-memory", assets.DefaultDecodeMemory>>20, "MiB of memory for decoding photos at once, whatever the core count; a photo that needs more alone is refused with 413 (WEIGONG_DECODE_MEMORY)")
	if v, ok := os.LookupEnv("WEIGONG_DECODE_MEMORY"); ok {
		if err := fs.Set("decode-memory", v); err != nil {
			return cfg, fmt.Errorf("WEIGONG_DECODE_MEMORY: %w", err)
		}
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.DecodeMemory < 1 {
		return cfg, fmt.Errorf("--decode-memory must be at least 1 (MiB), not %d", cfg.DecodeMemory)
	}
	for _, o := range strings.Split(allowed, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.AllowedOrigins = append(cfg.AllowedOrigins, o)
		}
	}
	cfg.Origin = strings.TrimRight(cfg.Origin, "/")
	return cfg, nil
}

func env(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}

func envBool(name string) bool {
	v := strings.ToLower(os.Getenv(name))
	return v == "1" || v == "true" || v == "yes"
}
