package kerneltest

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/arengo-pa/arengo/internal/web"
)

// ChromiumPath is Debian's Chromium.
const ChromiumPath = "/usr/bin/chromium"

// Browser returns a headless Chromium context for the test, or skips the
// test when Chromium is not installed. Flags keep Chromium off the network
// (this machine has none) and able to run as root.
func Browser(t testing.TB) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// The first call starts the browser; it must not carry a timeout, or the
	// timeout would stop the whole browser.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// SetSession puts a session token (from StaffSession or CitizenSession) in
// the browser's cookie jar for the app's host.
func (a *App) SetSession(tok string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		httpOnly := true
		_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{
			Name: web.SessionCookie, Value: tok, URL: a.URL, Path: "/", HTTPOnly: &httpOnly})
		return chromedp.Void{}, err
	}
}

// Screenshot saves a full-page PNG to path (for a person to look at).
//
// A page being replaced by a navigation has no layout for a moment
// ("Cannot take screenshot with 0 width"), or never answers the capture,
// both seen in CI when the selector awaited before the screenshot was on
// both pages: it waits that out, trying again every 5 s for up to 10 s.
func Screenshot(path string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for deadline := time.Now().Add(10 * time.Second); ; {
			actx, cancel := context.WithTimeout(ctx, 5*time.Second)
			buf, err := chromedp.FullScreenshot(100)(actx, t)
			cancel()
			if err == nil {
				return chromedp.Void{}, os.WriteFile(path, buf, 0o644)
			}
			if !(strings.Contains(err.Error(), "0 width") || errors.Is(err, context.DeadlineExceeded)) || time.Now().After(deadline) {
				return chromedp.Void{}, err
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// ScreenshotDir is where browser tests save their screenshots:
// $ARENGO_SCREENSHOTS when set (to look at them), else a temp dir.
func ScreenshotDir(t testing.TB) string {
	if d := os.Getenv("ARENGO_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// Do runs browser steps with a time limit (generous: CI machines are small and run two packages at once), failing the test with what was
// being done.
func Do(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// AwaitVisible is WaitVisible for the step after a click or a submission
// that navigates: a plain WaitVisible there can fail while the old document
// is being replaced ("Could not find node with given id"), so it retries
// until the new page shows sel or ctx ends.
func AwaitVisible[S chromedp.Selectable](sel S) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for {
			tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := chromedp.WaitVisible(sel)(tctx, t)
			cancel()
			if err == nil || ctx.Err() != nil {
				return chromedp.Void{}, err
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// AssertAccessible fails the test for every WCAG 2.1 A/AA rule axe-core
// finds broken on the current page.
func AssertAccessible(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	vs, err := chromedp.Run(tctx, Accessibility())
	if err != nil {
		t.Fatalf("%s: accessibility check: %v", page, err)
	}
	for _, v := range vs {
		t.Errorf("%s: accessibility: %s", page, v)
	}
}
