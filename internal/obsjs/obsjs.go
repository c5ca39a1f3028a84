// Package obsjs runs obs-websocket-js 5.0.8 (the client OBS tools are built
// on) in Node against a remote-control address, for the tests of remote
// control and of `showcaster live --remote-control`.
package obsjs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Dir is the Node project in testdata (package.json, its lock file, obs-client.mjs).
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata", "node")
}

// Run runs testdata/node/obs-client.mjs against url with password and returns its
// steps by name. The Node package is installed from the committed lock file
// when missing; without Node the test is skipped (make deps installs it).
func Run(t testing.TB, url, password string) map[string]map[string]any {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed (make deps installs it)")
	}
	dir := Dir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "obs-websocket-js")); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "obs-client.mjs", url, password)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	steps := map[string]map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			name, _ := m["step"].(string)
			steps[name] = m
		}
	}
	if err != nil {
		t.Fatalf("obs-websocket-js client: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr.Bytes())
	}
	t.Logf("obs-websocket-js:\n%s", out)
	return steps
}

// Check fails t when steps[step][key] is not want (compared as JSON).
func Check(t testing.TB, steps map[string]map[string]any, step, key string, want any) {
	t.Helper()
	got, _ := json.Marshal(steps[step][key])
	w, _ := json.Marshal(want)
	if string(got) != string(w) {
		t.Errorf("%s.%s = %s, want %s", step, key, got, w)
	}
}
