package remote

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// NodeClient runs testdata/node/obs-client.mjs (obs-websocket-js 5.0.8 in
// Node, speaking msgpack) against url and returns its steps by name. The
// package is installed from the committed lock file when missing.
func NodeClient(t *testing.T, dir, url, password string) map[string]map[string]any {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed (make deps installs it)")
	}
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

func TestObsWebSocketJS(t *testing.T) {
	srv, st := startFake(t, "pa55-word")
	steps := NodeClient(t, filepath.Join("testdata", "node"), "ws://"+srv.Addr().String(), "pa55-word")
	check := func(step, key string, want any) {
		t.Helper()
		got := steps[step][key]
		if b, _ := json.Marshal(got); string(b) != mustJSON(want) {
			t.Errorf("%s.%s = %s, want %s (steps: %v)", step, key, b, mustJSON(want), steps)
		}
	}
	check("badAuth", "code", 4009)
	check("identified", "rpcVersion", 1)
	check("version", "hasScene", true)
	check("scenes", "current", "全屏 Full")
	check("scenes", "names", []string{"并排 Side", "画中画 PiP", "全屏 Full"}) // OBS's order: last first
	check("sceneSwitched", "event", steps["sceneSwitched"]["target"])
	check("sceneSwitched", "current", steps["sceneSwitched"]["target"])
	check("streamStatus", "active", true)
	check("recordStatus", "active", false)
	check("record", "activeWhileOn", true)
	check("record", "path", "/tmp/show-1.mkv")
	check("unknown", "code", 204)
	check("stopStream", "ok", true)
	check("done", "step", "done")
	select {
	case <-st.stopped:
	default:
		t.Error("StopStream did not reach the studio")
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
