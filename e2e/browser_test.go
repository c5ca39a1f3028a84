package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package (make deps) puts the browser;
// SHOWCASTER_CHROMIUM points the tests at another one.
const chromiumPath = "/usr/bin/chromium"

// browserPath finds Chromium. Without it a developer's run skips the browser
// tests with a message; under CI a missing browser is a failure, so a machine
// that lost the install step cannot pass by skipping.
func browserPath(t testing.TB) string {
	t.Helper()
	path := os.Getenv("SHOWCASTER_CHROMIUM")
	if path == "" {
		path = chromiumPath
	}
	if _, err := os.Stat(path); err != nil {
		if _, ci := os.LookupEnv("CI"); ci {
			t.Fatalf("headless Chromium is required under CI but %s is missing (%v): `make deps` installs it", path, err)
		}
		t.Skipf("skipping the browser tests: no Chromium at %s (install it with `make deps`)", path)
	}
	return path
}

// browser is one headless Chromium process; each tab it opens gets its own
// browser context, so tabs hold separate cookies (separate viewers).
type browser struct {
	t      testing.TB
	ctx    context.Context
	cancel context.CancelFunc
}

func newBrowser(t testing.TB, extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browserPath(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Hidden tabs must keep decoding and running their timers: two
		// viewers play side by side in one browser.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("start Chromium: %v", err)
	}
	b := &browser{t: t, ctx: bctx, cancel: func() { cancelBrowser(); cancelAlloc() }}
	t.Cleanup(b.cancel)
	return b
}

// tab is one page in its own browser context (its own cookies).
type tab struct {
	t      testing.TB
	name   string
	ctx    context.Context
	cancel context.CancelFunc

	mu   sync.Mutex
	logs []string
}

// newTab opens an empty page in a fresh browser context. The page's console
// and uncaught errors are kept and printed when the test fails.
func (b *browser) newTab(name string) *tab {
	b.t.Helper()
	tb := &tab{t: b.t, name: name}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			tb.log("console.%s: %s", ev.Type, strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			msg := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
			tb.log("exception: %s", msg)
		}
	}))
	tb.ctx, tb.cancel = ctx, cancel
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		b.t.Fatalf("open tab %s: %v", name, err)
	}
	b.t.Cleanup(func() {
		if b.t.Failed() {
			tb.dump()
		}
		cancel()
	})
	return tb
}

func (tb *tab) log(format string, args ...any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.logs) < 500 {
		tb.logs = append(tb.logs, fmt.Sprintf(format, args...))
	}
}

// exceptions are the page's uncaught errors so far.
func (tb *tab) exceptions() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for _, l := range tb.logs {
		if strings.HasPrefix(l, "exception: ") {
			out = append(out, l)
		}
	}
	return out
}

func (tb *tab) dump() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, l := range tb.logs {
		tb.t.Logf("[%s] %s", tb.name, l)
	}
}

// close closes the page (its pagehide ends its WHEP session).
func (tb *tab) close() {
	tb.cancel()
}

// screenshot captures the visible page as PNG.
func (tb *tab) screenshot() []byte {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("[%s] screenshot: %v", tb.name, err)
	}
	return png
}

// do runs chromedp actions on the tab, failing the test on error.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("[%s] %v", tb.name, err)
	}
}

func (tb *tab) navigate(url string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(url))
}

// eval evaluates a JavaScript expression in the tab and decodes its value.
func eval[T any](tb *tab, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// mustEval is eval that fails the test on error.
func mustEval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := eval[T](tb, expr)
	if err != nil {
		tb.t.Fatalf("[%s] evaluate %s: %v", tb.name, expr, err)
	}
	return v
}

// waitFor polls a JavaScript expression until it is truthy. It is a
// condition, not a timer: deadline only bounds a page that never gets there.
// On failure it reports what describe evaluates to at that moment.
func (tb *tab) waitFor(what, expr string, deadline time.Duration, describe string) {
	tb.t.Helper()
	end := time.Now().Add(deadline)
	var lastErr error
	for time.Now().Before(end) {
		if ok, err := eval[bool](tb, "!!("+expr+")"); err != nil {
			lastErr = err
		} else if ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	var js []byte
	if describe != "" {
		var err error
		if js, err = eval[[]byte](tb, describe); err != nil {
			js = []byte(err.Error())
		}
	}
	tb.t.Fatalf("[%s] waited %v for %s; page says %s (last error: %v)", tb.name, deadline, what, js, lastErr)
}

// pageState is the page's own account of itself, for failure messages.
const pageState = `({
  state: window.__showcaster && __showcaster.state(),
  showState: window.__showcaster && __showcaster.showState(),
  frames: window.__showcaster && __showcaster.framesDecoded(),
  lastSeq: window.__showcaster && __showcaster.lastSeq(),
  comments: window.__showcaster && __showcaster.comments(),
  card: document.getElementById("state") && document.getElementById("state").innerText,
  toast: document.getElementById("toast") && document.getElementById("toast").innerText,
})`
