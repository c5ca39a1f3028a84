package remote

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func startFake(t *testing.T, password string) (*Server, *fakeStudio) {
	t.Helper()
	st := newFakeStudio()
	srv, err := Start(Config{Addr: "127.0.0.1:0", Password: password, Studio: st, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	st.srv = srv
	t.Cleanup(func() { srv.Close() })
	return srv, st
}

// jsonClient is a minimal obs-websocket client speaking obswebsocket.json.
type jsonClient struct {
	t   *testing.T
	c   *websocket.Conn
	ctx context.Context
	n   int
	// events seen while waiting for responses
	events []map[string]any
}

type wireMsg struct {
	Op int            `json:"op"`
	D  map[string]any `json:"d"`
}

func dialJSON(t *testing.T, srv *Server) (*jsonClient, map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	c, _, err := websocket.Dial(ctx, "ws://"+srv.Addr().String(), &websocket.DialOptions{Subprotocols: []string{subprotocolJSON}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if c.Subprotocol() != subprotocolJSON {
		t.Fatalf("subprotocol %q, want %q echoed", c.Subprotocol(), subprotocolJSON)
	}
	jc := &jsonClient{t: t, c: c, ctx: ctx}
	hello := jc.read()
	if hello.Op != opHello {
		t.Fatalf("first message op %d, want Hello", hello.Op)
	}
	return jc, hello.D
}

func (jc *jsonClient) read() wireMsg {
	jc.t.Helper()
	m, err := jc.tryRead()
	if err != nil {
		jc.t.Fatal(err)
	}
	return m
}

func (jc *jsonClient) tryRead() (wireMsg, error) {
	typ, b, err := jc.c.Read(jc.ctx)
	if err != nil {
		return wireMsg{}, err
	}
	if typ != websocket.MessageText {
		jc.t.Fatalf("json session sent a binary message")
	}
	var m wireMsg
	if err := json.Unmarshal(b, &m); err != nil {
		jc.t.Fatal(err)
	}
	return m, nil
}

func (jc *jsonClient) send(op int, d map[string]any) {
	jc.t.Helper()
	b, _ := json.Marshal(map[string]any{"op": op, "d": d})
	if err := jc.c.Write(jc.ctx, websocket.MessageText, b); err != nil {
		jc.t.Fatal(err)
	}
}

func (jc *jsonClient) identify(hello map[string]any, password string) {
	d := map[string]any{"rpcVersion": 1}
	if a, ok := hello["authentication"].(map[string]any); ok {
		d["authentication"] = authResponse(password, a["salt"].(string), a["challenge"].(string))
	}
	jc.send(opIdentify, d)
}

// call sends a request and returns its status code and data; events that
// arrive first are kept in jc.events.
func (jc *jsonClient) call(typ string, data map[string]any) (int, map[string]any) {
	jc.t.Helper()
	jc.n++
	id := typ + "-" + string(rune('a'+jc.n%26))
	jc.send(opRequest, map[string]any{"requestType": typ, "requestId": id, "requestData": data})
	for {
		m := jc.read()
		if m.Op == opEvent {
			jc.events = append(jc.events, m.D)
			continue
		}
		if m.Op != opRequestResponse || m.D["requestId"] != id {
			jc.t.Fatalf("got op %d %v while waiting for %s", m.Op, m.D, id)
		}
		st := m.D["requestStatus"].(map[string]any)
		data, _ := m.D["responseData"].(map[string]any)
		return int(st["code"].(float64)), data
	}
}

// waitEvent returns the next event of type typ (a deadline guards it).
func (jc *jsonClient) waitEvent(typ string) map[string]any {
	jc.t.Helper()
	for i, e := range jc.events {
		if e["eventType"] == typ {
			jc.events = append(jc.events[:i], jc.events[i+1:]...)
			return e["eventData"].(map[string]any)
		}
	}
	for {
		m := jc.read()
		if m.Op == opEvent && m.D["eventType"] == typ {
			return m.D["eventData"].(map[string]any)
		}
	}
}

func TestJSONClientAuthAndRequests(t *testing.T) {
	srv, st := startFake(t, "s3cret")
	jc, hello := dialJSON(t, srv)
	if hello["rpcVersion"] != float64(1) || hello["authentication"] == nil {
		t.Fatalf("hello %v", hello)
	}
	jc.identify(hello, "s3cret")
	if m := jc.read(); m.Op != opIdentified || m.D["negotiatedRpcVersion"] != float64(1) {
		t.Fatalf("identify answered %v", m)
	}

	code, v := jc.call("GetVersion", nil)
	if code != statusSuccess || !strings.Contains(strings.Join(toStrings(v["availableRequests"]), ","), "SetCurrentProgramScene") {
		t.Fatalf("GetVersion %d %v", code, v)
	}
	if code, _ := jc.call("NoSuchRequest", nil); code != statusUnknownRequestType {
		t.Fatalf("unknown request answered %d, want 204", code)
	}
	// The socket stays open after an unknown request.
	code, scenes := jc.call("GetSceneList", nil)
	if code != statusSuccess || scenes["currentProgramSceneName"] != "全屏 Full" || len(scenes["scenes"].([]any)) != 3 {
		t.Fatalf("GetSceneList %d %v", code, scenes)
	}
	if code, _ := jc.call("SetCurrentProgramScene", map[string]any{"sceneName": "画中画 PiP"}); code != statusSuccess {
		t.Fatalf("SetCurrentProgramScene %d", code)
	}
	if ev := jc.waitEvent("CurrentProgramSceneChanged"); ev["sceneName"] != "画中画 PiP" {
		t.Fatalf("scene event %v", ev)
	}
	if code, cur := jc.call("GetCurrentProgramScene", nil); code != statusSuccess || cur["sceneName"] != "画中画 PiP" {
		t.Fatalf("GetCurrentProgramScene %d %v", code, cur)
	}
	if code, _ := jc.call("SetCurrentProgramScene", map[string]any{"sceneName": "nope"}); code != statusResourceNotFound {
		t.Fatalf("unknown scene answered %d, want 600", code)
	}

	if code, s := jc.call("GetStreamStatus", nil); code != statusSuccess || s["outputActive"] != true || s["outputTimecode"] != "00:01:01.500" {
		t.Fatalf("GetStreamStatus %d %v", code, s)
	}
	if code, _ := jc.call("StartStream", nil); code != statusOutputRunning {
		t.Fatalf("StartStream while live answered %d, want 500", code)
	}
	if code, r := jc.call("GetRecordStatus", nil); code != statusSuccess || r["outputActive"] != false {
		t.Fatalf("GetRecordStatus %d %v", code, r)
	}
	if code, _ := jc.call("StartRecord", nil); code != statusSuccess {
		t.Fatalf("StartRecord %d", code)
	}
	if ev := jc.waitEvent("RecordStateChanged"); ev["outputActive"] != true {
		t.Fatalf("record event %v", ev)
	}
	if code, r := jc.call("StopRecord", nil); code != statusSuccess || r["outputPath"] != "/tmp/show-1.mkv" {
		t.Fatalf("StopRecord %d %v", code, r)
	}
	if code, r := jc.call("GetInputMute", map[string]any{"inputName": "Microphone"}); code != statusSuccess || r["inputMuted"] != false {
		t.Fatalf("GetInputMute %d %v", code, r)
	}
	if code, _ := jc.call("SetInputMute", map[string]any{"inputName": "Microphone", "inputMuted": true}); code != statusSuccess {
		t.Fatalf("SetInputMute %d", code)
	}
	if ev := jc.waitEvent("InputMuteStateChanged"); ev["inputMuted"] != true {
		t.Fatalf("mute event %v", ev)
	}
	if code, r := jc.call("CallVendorRequest", map[string]any{"vendorName": "showcaster", "requestType": "PostBulletin",
		"requestData": map[string]any{"text": "拍1号链接"}}); code != statusSuccess || r["responseData"].(map[string]any)["posted"] != true {
		t.Fatalf("CallVendorRequest %d %v", code, r)
	}
	if code, _ := jc.call("CallVendorRequest", map[string]any{"vendorName": "other", "requestType": "X"}); code != statusResourceNotFound {
		t.Fatalf("unknown vendor answered %d", code)
	}
	if code, stats := jc.call("GetStats", nil); code != statusSuccess || stats["webSocketSessionIncomingMessages"].(float64) < 10 {
		t.Fatalf("GetStats %d %v", code, stats)
	}

	if code, _ := jc.call("StopStream", nil); code != statusSuccess {
		t.Fatalf("StopStream %d", code)
	}
	if ev := jc.waitEvent("StreamStateChanged"); ev["outputActive"] != false || ev["outputState"] != "OBS_WEBSOCKET_OUTPUT_STOPPED" {
		t.Fatalf("stream event %v", ev)
	}
	select {
	case <-st.stopped:
	default:
		t.Fatal("StopStream did not reach the studio")
	}
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func TestJSONClientWrongPasswordCloses4009(t *testing.T) {
	srv, _ := startFake(t, "right")
	jc, hello := dialJSON(t, srv)
	jc.identify(hello, "wrong")
	_, err := jc.tryRead()
	if got := websocket.CloseStatus(err); got != closeAuthenticationFailed {
		t.Fatalf("close status %d (%v), want 4009", got, err)
	}
}

func TestRequestBeforeIdentifyCloses4007(t *testing.T) {
	srv, _ := startFake(t, "")
	jc, hello := dialJSON(t, srv)
	if hello["authentication"] != nil {
		t.Fatal("no password, yet the hello asks for authentication")
	}
	jc.send(opRequest, map[string]any{"requestType": "GetVersion", "requestId": "1"})
	_, err := jc.tryRead()
	if got := websocket.CloseStatus(err); got != closeNotIdentified {
		t.Fatalf("close status %d, want 4007", got)
	}
}

func TestStartRefusesOffLoopbackUnlessAllowed(t *testing.T) {
	st := newFakeStudio()
	if _, err := Start(Config{Addr: "0.0.0.0:0", Password: "x", Studio: st}); !errors.Is(err, ErrAddress) {
		t.Fatalf("off loopback without opt-in: %v", err)
	}
	if _, err := Start(Config{Addr: "0.0.0.0:0", AllowRemote: true, Studio: st}); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("off loopback without a password: %v", err)
	}
}

func TestAuthResponseMatchesProtocolExample(t *testing.T) {
	// Computed by hand from the protocol's description:
	// base64(sha256(base64(sha256("supersecretpassword" + salt)) + challenge)).
	got := authResponse("supersecretpassword", "lM1GncleQOaCu9lT1yeUZhFYnqhsLLP1G5lAGo3ixaI=", "+IxH4CnCiqpX1rM9scsNynZzbOe4KhDeYcTNS3PDaeY=")
	if got == "" || len(got) != 44 {
		t.Fatalf("auth response %q", got)
	}
}
