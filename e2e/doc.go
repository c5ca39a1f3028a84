// Package e2e holds the end-to-end tests: the local platform (platform/server)
// in-process on loopback, the studio engine (app.Engine) publishing the test
// pattern over WHIP, the studio's platform.Client, and the viewer page in
// headless Chromium driven through the DevTools protocol.
//
// The default run (`go test ./e2e`, part of `make test`) plays a trial and a
// live show in the page and exercises comments, public and private replies,
// the buy card, rate limits, escaping of markup and a platform restart. It
// skips with a message when Chromium is missing, unless CI is set: then a
// missing browser fails the run.
//
// The long measurements run only when asked (docs/benchmarks.md):
//
//	go test ./e2e -run TestGlassToGlass -v -timeout 10m -args -latency
//	go test ./e2e -run TestViewerFanout -v -timeout 20m -args -fanout
//
// SHOWCASTER_SCREENSHOT=docs/viewer-page.png with TestViewerPage writes the
// page's picture (and a phone-sized one beside it); SHOWCASTER_CHROMIUM
// points at another browser binary.
package e2e
