package main

import (
	"context"
	"testing"
	"time"
)

// needBrowser skips a browser test in -short mode or without Chromium
// (findChromium fails instead under CI).
func needBrowser(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	findChromium(t)
}

// browserFor starts Chromium for a test bounded by d; the console is
// checked for errors when the test ends, before the browser closes.
func browserFor(t *testing.T, d time.Duration) *browser {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	b := startBrowser(t, ctx)
	t.Cleanup(func() {
		time.Sleep(300 * time.Millisecond) // console events arrive asynchronously
		b.checkConsole()
	})
	return b
}
