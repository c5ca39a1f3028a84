// Package e2e holds the end-to-end tests: the local platform, the engine
// publishing the test pattern, and the viewer page in headless Chromium.
// The tests live in *_test.go files; see docs/benchmarks-platform.md for the
// long latency measurement.
package e2e
