package remote

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"showcaster/app"
)

// TestStudioWindowRemoteControl drives a real studio (the test pattern and
// tone, the embedded platform) with the Go JSON client.
func TestStudioWindowRemoteControl(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := app.DefaultSettings()
	studio, err := app.OpenStudio(ctx, app.StudioConfig{Settings: st, DataDir: t.TempDir(), PlatformAddr: "127.0.0.1:0", NoDevices: true, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer studio.Close()
	go func() {
		for range studio.Events() {
		}
	}()
	srv, err := ServeStudio(studio, "127.0.0.1:0", "pw", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	jc, hello := dialJSON(t, srv)
	jc.identify(hello, "pw")
	if m := jc.read(); m.Op != opIdentified {
		t.Fatalf("identify answered %v", m)
	}
	// The scenes are the studio's list, in the window's order: the three
	// first scenes, and one the host adds.
	if code, sc := jc.call("GetSceneList", nil); code != statusSuccess || sc["currentProgramSceneName"] != "Full" || len(sc["scenes"].([]any)) != 3 {
		t.Fatalf("GetSceneList %d %v", code, sc)
	}
	add := studio.ProgramScene()
	add.Name, add.Layout = "讲解 Close-up", "pip"
	if _, err := studio.AddScene(add); err != nil {
		t.Fatal(err)
	}
	if ev := jc.waitEvent("SceneListChanged"); fmt.Sprint(ev["scenes"]) == "" || len(ev["scenes"].([]any)) != 4 {
		t.Fatalf("scene list event %v", ev)
	}
	code, sc := jc.call("GetSceneList", nil)
	var names []string
	for _, x := range sc["scenes"].([]any) {
		names = append(names, x.(map[string]any)["sceneName"].(string))
	}
	if code != statusSuccess || strings.Join(names, ",") != "讲解 Close-up,Side by side,Picture in picture,Full" {
		t.Fatalf("GetSceneList %d %v (OBS lists the last scene first)", code, names)
	}
	if code, _ := jc.call("SetCurrentProgramScene", map[string]any{"sceneName": "讲解 Close-up"}); code != statusSuccess {
		t.Fatalf("SetCurrentProgramScene %d", code)
	}
	if ev := jc.waitEvent("CurrentProgramSceneChanged"); ev["sceneName"] != "讲解 Close-up" {
		t.Fatalf("scene event %v", ev)
	}
	if l, _ := studio.Layout(); l != app.LayoutPiP {
		t.Fatalf("the studio's layout is %v", l)
	}
	// A switch in the window reaches the panel as an event too.
	if err := studio.SwitchScene(studio.Scenes()[2].ID); err != nil {
		t.Fatal(err)
	}
	if ev := jc.waitEvent("CurrentProgramSceneChanged"); ev["sceneName"] != "Side by side" {
		t.Fatalf("scene event after a switch in the window %v", ev)
	}
	if code, _ := jc.call("SetCurrentProgramScene", map[string]any{"sceneName": "pip"}); code != statusResourceNotFound {
		t.Fatalf("SetCurrentProgramScene of a scene not in the list answered %d, want 600", code)
	}
	if code, _ := jc.call("SetInputMute", map[string]any{"inputName": "Microphone", "inputMuted": true}); code != statusSuccess {
		t.Fatalf("SetInputMute %d", code)
	}
	if ev := jc.waitEvent("InputMuteStateChanged"); ev["inputMuted"] != true || !studio.MicMuted() {
		t.Fatalf("mute event %v, studio muted %v", ev, studio.MicMuted())
	}
	if code, _ := jc.call("StartStream", nil); code != statusNotReady {
		t.Fatalf("StartStream without a show answered %d, want 207", code)
	}
	if code, _ := jc.call("CallVendorRequest", map[string]any{"vendorName": "showcaster", "requestType": "StartLottery",
		"requestData": map[string]any{"prize": "羊毛围巾"}}); code != statusNotReady {
		t.Fatalf("StartLottery without a show answered %d, want 207", code)
	}
	if code, _ := jc.call("StartRecord", nil); code != statusSuccess {
		t.Fatalf("StartRecord %d", code)
	}
	code, r := jc.call("StopRecord", nil)
	if path, _ := r["outputPath"].(string); code != statusSuccess || !strings.HasSuffix(path, ".mkv") {
		t.Fatalf("StopRecord %d %v", code, r)
	}
}

// TestStudioStartsRemoteControlFromSettings: Settings turn it on (the
// studio serves it through ForStudio, as the window does) and off again.
func TestStudioStartsRemoteControlFromSettings(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := app.DefaultSettings()
	st.RemoteControl, st.RemotePort, st.RemotePassword = true, port, "from-settings"
	studio, err := app.OpenStudio(ctx, app.StudioConfig{Settings: st, DataDir: t.TempDir(), PlatformAddr: "127.0.0.1:0",
		NoDevices: true, Logf: t.Logf, RemoteControl: ForStudio})
	if err != nil {
		t.Fatal(err)
	}
	defer studio.Close()
	go func() {
		for range studio.Events() {
		}
	}()
	url := studio.RemoteAddress()
	if url != fmt.Sprintf("ws://127.0.0.1:%d", port) {
		t.Fatalf("RemoteAddress %q", url)
	}
	dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
	defer dcancel()
	c, _, err := websocket.Dial(dctx, url, &websocket.DialOptions{Subprotocols: []string{subprotocolJSON}})
	if err != nil {
		t.Fatalf("remote control from Settings: %v", err)
	}
	c.CloseNow()

	st.RemoteControl = false
	if err := studio.ApplySettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, _, err := websocket.Dial(dctx, url, nil); err == nil {
		t.Fatal("remote control still answers after Settings turned it off")
	}
}
