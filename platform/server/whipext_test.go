package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pion/webrtc/v4"

	"showcaster/internal/clock"
	"showcaster/platform"
)

func do(t *testing.T, method, url string, hdr map[string]string, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestWHIPForBrowsers: CORS preflights and answers, OPTIONS with the ICE
// servers, trickle ICE PATCH with its status codes, and an ICE restart.
func TestWHIPForBrowsers(t *testing.T) {
	srv, err := New(Config{DataDir: t.TempDir(), Clock: clock.NewFake(epoch), StudioToken: "studio-secret", Logf: t.Logf,
		ICEServers: []ICEServer{{URLs: []string{"stun:stun.example.net:3478"}},
			{URLs: []string{"turn:turn.example.net:3478?transport=udp"}, Username: "u1", Credential: "p\"1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	p := &testPlatform{t: t, srv: srv, clk: srv.clk.(*clock.Fake)}
	p.studio = platform.NewClient(platform.ClientConfig{BaseURL: srv.URL(), Token: srv.StudioToken()})
	s, in := p.liveShow("跨域推流")

	// The preflight a browser sends before a cross-origin POST with a bearer token.
	resp, _ := do(t, "OPTIONS", in.WHIPURL, map[string]string{"Origin": "http://127.0.0.1:1", "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "authorization,content-type"}, "")
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "authorization") {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	// A plain OPTIONS names the ICE servers.
	resp, _ = do(t, "OPTIONS", in.WHIPURL, nil, "")
	links := resp.Header.Values("Link")
	if resp.StatusCode != http.StatusNoContent || len(links) != 2 || resp.Header.Get("Accept-Post") != "application/sdp" ||
		links[0] != `<stun:stun.example.net:3478>; rel="ice-server"` ||
		links[1] != `<turn:turn.example.net:3478?transport=udp>; rel="ice-server"; username="u1"; credential="p\"1"; credential-type="password"` {
		t.Fatalf("OPTIONS: %d %q %v", resp.StatusCode, links, resp.Header)
	}
	// An error answer is readable cross-origin too.
	resp, _ = do(t, "POST", in.WHIPURL, map[string]string{"Content-Type": "application/sdp", "Authorization": "Bearer wrong"}, "v=0")
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("refused POST: %d %v", resp.StatusCode, resp.Header)
	}

	api := peerAPI(t)
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	video, _ := webrtc.NewTrackLocalStaticRTP(videoCodec, "video", "test")
	if _, err := pc.AddTrack(video); err != nil {
		t.Fatal(err)
	}
	loc := signal(t, pc, in.WHIPURL, in.Token)
	resource := srv.URL() + loc
	auth := "Bearer " + in.Token
	ufrag, pwd := sdpCredentials(pc.LocalDescription().SDP)
	frag := "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n" +
		"a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\na=end-of-candidates\r\n"

	resp, _ = do(t, "PATCH", resource, map[string]string{"Authorization": auth, "Content-Type": "text/plain"}, frag)
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("PATCH text/plain: %d", resp.StatusCode)
	}
	resp, _ = do(t, "PATCH", resource, map[string]string{"Authorization": auth, "Content-Type": sdpFragType, "If-Match": `"stale"`}, frag)
	if resp.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("PATCH with a stale ETag: %d", resp.StatusCode)
	}
	resp, _ = do(t, "PATCH", resource+"x", map[string]string{"Authorization": auth, "Content-Type": sdpFragType}, frag)
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("PATCH on an unknown session: %d", resp.StatusCode)
	}
	resp, _ = do(t, "PATCH", resource, map[string]string{"Content-Type": sdpFragType}, frag)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("PATCH without the ingest token: %d", resp.StatusCode)
	}
	resp, _ = do(t, "PATCH", resource, map[string]string{"Authorization": auth, "Content-Type": sdpFragType, "If-Match": `*`}, frag)
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("PATCH with candidates: %d", resp.StatusCode)
	}

	// An ICE restart: new credentials, answered with the platform's new ones.
	sh, err := srv.lookup(s.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, oldPwd := sdpCredentials(sh.relay.cur.Load().pc.LocalDescription().SDP)
	restart := "a=ice-ufrag:restart1\r\na=ice-pwd:restartpasswordrestartpassword\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n"
	resp, body := do(t, "PATCH", resource, map[string]string{"Authorization": auth, "Content-Type": sdpFragType, "If-Match": "*"}, restart)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != sdpFragType || resp.Header.Get("ETag") == "" {
		t.Fatalf("ICE restart: %d %s", resp.StatusCode, body)
	}
	_, newPwd := sdpCredentials(body)
	if newPwd == "" || newPwd == oldPwd || !strings.Contains(body, "a=candidate:") {
		t.Fatalf("ICE restart answer keeps the old credentials or lacks candidates:\n%s", body)
	}
}
