package main

import (
	"image/color"
	"strings"
	"testing"
)

// TestServeFlags_DecodeMemory ensures the decode memory budget defaults to
// assets.DefaultDecodeMemory, is read from WEIGONG_DECODE_MEMORY, is
// overridden by the flag, and refuses values that are not a positive
// number of MiB.
func TestServeFlags_DecodeMemory(t *testing.T) {
	cfg, err := parseServeFlags(nil)
	if err != nil || cfg.DecodeMemory != 512 {
		t.Fatalf("default: %d MiB, %v; want 512", cfg.DecodeMemory, err)
	}
	t.Setenv("WEIGONG_DECODE_MEMORY", "96")
	if cfg, err = parseServeFlags(nil); err != nil || cfg.DecodeMemory != 96 {
		t.Fatalf("from the environment: %d MiB, %v; want 96", cfg.DecodeMemory, err)
	}
	if cfg, err = parseServeFlags([]string{"--decode-memory", "1024"}); err != nil || cfg.DecodeMemory != 1024 {
		t.Fatalf("flag over environment: %d MiB, %v; want 1024", cfg.DecodeMemory, err)
	}
	for _, bad := range []string{"0", "-5", "lots"} {
		if _, err := parseServeFlags([]string{"--decode-memory", bad}); err == nil {
			t.Errorf("--decode-memory %s accepted", bad)
		}
	}
	t.Setenv("WEIGONG_DECODE_MEMORY", "512MiB")
	if _, err := parseServeFlags(nil); err == nil || !strings.Contains(err.Error(), "WEIGONG_DECODE_MEMORY") {
		t.Errorf("a malformed WEIGONG_DECODE_MEMORY gave %v", err)
	}
}

// TestAPI_Images_DecodeMemory ensures the served pipeline uses the budget
// it is configured with: under --decode-memory 10 a small photo is
// accepted and a 6 MP one, which needs about 16 MiB to decode, gets 413.
func TestAPI_Images_DecodeMemory(t *testing.T) {
	n := startNode(t, t.TempDir(), func(c *serveConfig) { c.DecodeMemory = 10 })
	sup := n.signUp("supplier", "budget_sup")
	n.must(201, "POST", "/v1/images", sup.Token, multipartFile("image", "small.jpg", solidJPEG(t, 800, 600, color.RGBA{200, 30, 30, 255})))
	msg := n.mustError(413, "too_large", "POST", "/v1/images", sup.Token, multipartFile("image", "big.jpg", solidJPEG(t, 3000, 2000, color.RGBA{30, 200, 30, 255})))
	if !strings.Contains(msg, "memory") {
		t.Errorf("the 413 does not say why: %q", msg)
	}
}
