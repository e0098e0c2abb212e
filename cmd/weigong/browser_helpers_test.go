package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Phone viewport used by the browser tests (CSS pixels, scale 1).
const (
	phoneW = 390
	phoneH = 844
)

// findChromium returns the Chromium binary, or skips (fails under CI).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, c := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found: CI must install it (apt-get install -y chromium, see .ci/run)")
	}
	t.Skip("chromium not found (apt-get install -y chromium); skipping browser test")
	return ""
}

// browser is one headless Chromium with a fresh profile; tabs opened with
// newTab each live in their own browser context (own cookies/storage).
type browser struct {
	t   *testing.T
	ctx context.Context

	mu   sync.Mutex
	errs []string // console errors and uncaught exceptions, all tabs
	// failedRequests makes the browser's own reports of failed requests
	// (non-2xx responses, which it logs as network errors) count as
	// console errors too; set it before opening tabs.
	failedRequests bool
}

func startBrowser(t *testing.T, parent context.Context) *browser {
	t.Helper()
	execPath := findChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(phoneW, phoneH),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("lang", "en-US"),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	bctx, cancelB := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelB(); cancelAlloc() })
	// The first Run starts the browser; no timeout on it (parent bounds it).
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return &browser{t: t, ctx: bctx}
}

// tab is one page in its own browser context, at the phone viewport.
type tab struct {
	b    *browser
	t    *testing.T
	name string
	ctx  context.Context
}

func (b *browser) newTab(name string) *tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	tb := &tab{b: b, t: b.t, name: name, ctx: ctx}
	// First Run on the tab context: opens the target; then emulate the phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneW, phoneH,
		chromedp.EmulateScale(1), chromedp.EmulateMobile, chromedp.EmulatePortrait)); err != nil {
		b.t.Fatalf("%s: opening tab: %v", name, err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			b.mu.Lock()
			failedRequests := b.failedRequests
			b.mu.Unlock()
			switch {
			case m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException:
			case m.Source == "network" && !failedRequests:
				// A flow may expect a non-2xx answer (a 400 it shows the
				// user); the browser logs it as a network entry.
				b.t.Logf("%s: network log (ignored): %s", name, m.Text)
			default:
				b.mu.Lock()
				b.errs = append(b.errs, fmt.Sprintf("%s: %s [%s %s:%d]", name, m, m.Source, m.URL, m.Line))
				b.mu.Unlock()
			}
		}
	}()
	return tb
}

// checkConsole fails the test on any console error or uncaught exception.
func (b *browser) checkConsole() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errs {
		b.t.Errorf("browser console error: %s", e)
	}
	b.errs = nil
}

// do runs the actions with a bounded wait, failing the test with what.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.b.checkConsole()
		tb.t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
}

// eval evaluates a JS expression and decodes its value into v.
func (tb *tab) eval(expr string, v any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr))
	if err != nil {
		tb.t.Fatalf("%s: eval %s: %v", tb.name, expr, err)
	}
	if v != nil {
		raw, _ := json.Marshal(res)
		if err := json.Unmarshal(raw, v); err != nil {
			tb.t.Fatalf("%s: eval %s = %s: %v", tb.name, expr, raw, err)
		}
	}
}

// waitJS polls a JS predicate from Go every 100 ms (bounded), which works
// the same in foreground and background tabs.
func (tb *tab) waitJS(what, expr string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	var lastErr error
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		lastErr = err
		select {
		case <-ctx.Done():
			tb.b.checkConsole()
			tb.t.Fatalf("%s: %s: timed out (last error: %v)", tb.name, what, lastErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitFor waits until a CSS selector matches a visible element.
func (tb *tab) waitFor(sel string) {
	tb.t.Helper()
	tb.waitJS("wait for "+sel, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.getClientRects().length > 0; })()`, sel))
}

// click scrolls the element to the middle (away from the fixed tab bar),
// waits until it stays put for one poll (100 ms), and clicks it. The
// mouse lands where the element was measured, so content still loading
// above it (a list replacing its spinner) would otherwise move it away
// and the click would hit something else, or nothing.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.waitFor(sel)
	tb.eval(fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: 'center'}), true`, sel), nil)
	tb.waitJS("wait for "+sel+" to stay put", fmt.Sprintf(`(() => {
		const e = document.querySelector(%q);
		if (!e) return false;
		const r = e.getBoundingClientRect(), at = [r.x, r.y, r.width, r.height].join();
		const still = window.__wgLastRect === at && r.width > 0;
		window.__wgLastRect = still ? undefined : at;
		return still })()`, sel))
	tb.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// typeInto replaces the value of an input by typing.
func (tb *tab) typeInto(sel, text string) {
	tb.t.Helper()
	tb.waitFor(sel)
	tb.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.scrollIntoView({block: 'center'}); e.value = ''; e.dispatchEvent(new Event('input', {bubbles: true})); return true })()`, sel), nil)
	tb.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// text returns the textContent of the first match.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	var s string
	tb.eval(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ''`, sel), &s)
	return strings.TrimSpace(s)
}

// route switches the app's hash route without reloading the page.
func (tb *tab) route(hash string) {
	tb.t.Helper()
	tb.eval(fmt.Sprintf(`location.hash = %q, true`, hash), nil)
}

// screenshot writes docs/screenshots/name when WEIGONG_SCREENSHOTS=1.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if os.Getenv("WEIGONG_SCREENSHOTS") != "1" {
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		if _, err := cdp.Call(ctx, t, page.BringToFront, cdp.Empty{}); err != nil {
			return nil, err
		}
		// Let fades/toasts settle a little.
		if _, err := chromedp.Sleep(300*time.Millisecond)(ctx, t); err != nil {
			return nil, err
		}
		return chromedp.CaptureScreenshot()(ctx, t)
	})
	if err != nil {
		tb.t.Fatalf("%s: screenshot %s: %v", tb.name, name, err)
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("wrote %s (%d bytes)", name, len(png))
}
