package main

import "testing"

// TestParseServeFlags_TrustedProxies ensures --trusted-proxies and
// WEIGONG_TRUSTED_PROXIES are read, default to none, and that a value that
// is not an address or prefix stops the server from starting.
func TestParseServeFlags_TrustedProxies(t *testing.T) {
	t.Setenv("WEIGONG_TRUSTED_PROXIES", "")
	cfg, err := parseServeFlags(nil)
	if err != nil || len(cfg.TrustedProxies) != 0 {
		t.Fatalf("default = %v, %v; want no trusted proxies", cfg.TrustedProxies, err)
	}
	cfg, err = parseServeFlags([]string{"--trusted-proxies", "10.0.0.0/8, 192.0.2.7"})
	if err != nil || len(cfg.TrustedProxies) != 2 || cfg.TrustedProxies[1].String() != "192.0.2.7/32" {
		t.Fatalf("--trusted-proxies = %v, %v", cfg.TrustedProxies, err)
	}
	t.Setenv("WEIGONG_TRUSTED_PROXIES", "172.16.0.0/12")
	if cfg, err = parseServeFlags(nil); err != nil || len(cfg.TrustedProxies) != 1 {
		t.Fatalf("WEIGONG_TRUSTED_PROXIES = %v, %v", cfg.TrustedProxies, err)
	}
	if _, err := parseServeFlags([]string{"--trusted-proxies", "proxy.example"}); err == nil {
		t.Fatal("a host name was accepted as a trusted proxy")
	}
}
