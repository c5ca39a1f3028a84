package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"showcaster/internal/obsjs"
	"showcaster/internal/testplatform"
)

// TestLiveRemoteControl drives `showcaster live --remote-control` with
// obs-websocket-js: a wrong password, scenes, stream and record status, a
// recording, and StopStream, which ends the run with exit code 0.
func TestLiveRemoteControl(t *testing.T) {
	srv, c := testplatform.Start(t)
	sh := testplatform.ApprovedShow(t, c, "遥控 remote control")
	t.Setenv(RemotePasswordEnv, "companion-pw")
	recDir := t.TempDir()
	var stdout bytes.Buffer
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"live", "--platform", srv.URL(), "--token", srv.StudioToken(), "--show", sh.ID,
			"--size", "320x180", "--fps", "15", "--remote-control", "127.0.0.1:0", "--record-dir", recDir}, &stdout, &stderr)
	}()
	addr := regexp.MustCompile(`remote control \(obs-websocket\) on (ws://\S+)`)
	var url string
	deadline := time.Now().Add(60 * time.Second)
	for url == "" {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("live exited %d before serving remote control:\n%s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no remote control address after 60 s:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	steps := obsjs.Run(t, url, "companion-pw")
	check := func(step, key string, want any) { t.Helper(); obsjs.Check(t, steps, step, key, want) }
	check("badAuth", "code", 4009)
	check("identified", "rpcVersion", 1)
	check("scenes", "names", []string{"side", "pip", "full"})
	check("scenes", "current", "full")
	check("sceneSwitched", "event", steps["sceneSwitched"]["target"])
	check("sceneSwitched", "current", steps["sceneSwitched"]["target"])
	check("streamStatus", "active", true)
	check("recordStatus", "active", false)
	check("record", "activeWhileOn", true)
	check("unknown", "code", 204)
	check("stopStream", "ok", true)
	path, _ := steps["record"]["path"].(string)
	if !strings.HasPrefix(path, recDir) || !strings.HasSuffix(path, ".mkv") {
		t.Errorf("StopRecord path %q, want a .mkv in %s", path, recDir)
	} else if _, err := os.Stat(path); err != nil {
		t.Errorf("recording %s: %v", filepath.Base(path), err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("live exited %d after StopStream, want 0:\n%s", code, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("live still running 60 s after StopStream:\n%s", stderr.String())
	}
}

func TestSceneAndBeautyFlags(t *testing.T) {
	for name, want := range map[string]string{"pip": "pip", "画中画": "pip", "Side by side": "side", "全屏": "full"} {
		if l, err := sceneLayout(name); err != nil || l.String() != want {
			t.Errorf("--scene %q: %v %v", name, l, err)
		}
	}
	if _, err := sceneLayout("nope"); err == nil {
		t.Error("--scene nope accepted")
	}
	if b, err := parseBeauty("60,40"); err != nil || b.Smooth != 60 || b.Brighten != 40 || b.Light != 0 {
		t.Errorf("--beauty 60,40: %+v %v", b, err)
	}
	for _, bad := range []string{"101", "1,2,3,4", "x"} {
		if _, err := parseBeauty(bad); err == nil {
			t.Errorf("--beauty %q accepted", bad)
		}
	}
}
