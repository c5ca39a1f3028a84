package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"showcaster/internal/clock"
	"showcaster/platform"
)

// startWith starts a platform with these limits on a fresh directory.
func startWith(t *testing.T, lim Limits) *testPlatform {
	t.Helper()
	clk := clock.NewFake(epoch)
	srv, err := New(Config{DataDir: t.TempDir(), Clock: clk, StudioToken: "studio-secret", AuditDelay: time.Second,
		Limits: lim, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &testPlatform{t: t, srv: srv, clk: clk, dir: srv.cfg.DataDir,
		studio: platform.NewClient(platform.ClientConfig{BaseURL: srv.URL(), Token: "studio-secret"})}
}

// closedWithin reports whether the server closes conn within d.
func closedWithin(conn net.Conn, d time.Duration) bool {
	conn.SetReadDeadline(time.Now().Add(d))
	r := bufio.NewReader(conn)
	for {
		if _, err := r.ReadByte(); err != nil {
			ne, ok := err.(net.Error)
			return !(ok && ne.Timeout())
		}
	}
}

// Row 4: a request whose body (or headers) stall is cut off, not held.
func TestStalledRequestsAreCutOff(t *testing.T) {
	p := startWith(t, Limits{ReadHeaderTimeout: time.Second, BodyTimeout: 2 * time.Second})
	s, _ := p.liveShow("慢请求")
	addr := strings.TrimPrefix(p.srv.URL(), "http://")
	body, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	fmt.Fprintf(body, "POST /api/shows/%s/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"text\":", s.ID)
	head, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer head.Close()
	fmt.Fprintf(head, "GET /api/shows HTTP/1.1\r\nHost: x\r\n")
	// Generous deadlines: the machine is busy; the limits are 1 s and 2 s.
	if !closedWithin(head, 30*time.Second) {
		t.Fatal("a request with stalled headers is still held")
	}
	if !closedWithin(body, 30*time.Second) {
		t.Fatal("a request with a stalled body is still held")
	}
}

// offerFrom makes a complete WHEP offer from a fresh peer connection.
func offerFrom(t *testing.T, api *webrtc.API) (*webrtc.PeerConnection, string) {
	t.Helper()
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	return pc, pc.LocalDescription().SDP
}

func (v *viewer) postSDP(path, sdp string) (*http.Response, apiErr) {
	resp, e, _ := v.postSDPAnswer(path, sdp)
	return resp, e
}

func (v *viewer) postSDPAnswer(path, sdp string) (*http.Response, apiErr, string) {
	v.t.Helper()
	req, _ := http.NewRequest("POST", v.base+v.withKey(path), strings.NewReader(sdp))
	req.Header.Set("Content-Type", "application/sdp")
	resp, err := v.hc.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	var e apiErr
	if resp.StatusCode >= 400 {
		jsonNewDecoder(resp).Decode(&e)
		return resp, e, ""
	}
	answer, _ := io.ReadAll(resp.Body)
	return resp, e, string(answer)
}

// Row 2: playback needs the viewer cookie, a viewer holds a few sessions,
// the platform a bounded number, and sessions that never connect are reaped.
func TestWHEPSessionLimits(t *testing.T) {
	p := startWith(t, Limits{WHEPSessions: 4, WHEPPerViewer: 3})
	s, _ := p.liveShow("限流")
	api := peerAPI(t)
	_, sdp := offerFrom(t, api)
	whep := "/whep/" + s.ID

	resp, err := http.Post(p.srv.URL()+whep, "application/sdp", strings.NewReader(sdp))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("WHEP without a viewer cookie: %d", resp.StatusCode)
	}
	a := p.newViewer(s.ID, "")
	for i := 0; i < 3; i++ {
		if resp, e := a.postSDP(whep, sdp); resp.StatusCode != http.StatusCreated {
			t.Fatalf("session %d of one viewer: %d %+v", i+1, resp.StatusCode, e)
		}
	}
	if resp, e := a.postSDP(whep, sdp); resp.StatusCode != http.StatusTooManyRequests || e.Error.Code != "rate_limited" {
		t.Fatalf("a 4th session of one viewer: %d %+v", resp.StatusCode, e)
	}
	b := p.newViewer(s.ID, "")
	if resp, e := b.postSDP(whep, sdp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("another viewer's session: %d %+v", resp.StatusCode, e)
	}
	resp, e := b.postSDP(whep, sdp)
	if resp.StatusCode != http.StatusServiceUnavailable || e.Error.Code != "busy" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a session beyond the platform's cap: %d %+v (Retry-After %q)", resp.StatusCode, e, resp.Header.Get("Retry-After"))
	}
	sh, _ := p.srv.lookup(s.ID)
	if n := sh.relay.viewerCount(); n != 4 {
		t.Fatalf("%d sessions, want 4", n)
	}
	// None of them connects (the offers' peers never answer checks): within
	// WHEPConnectTimeout they are gone, and their room is free again.
	p.clk.Advance(DefaultLimits().WHEPConnectTimeout)
	eventually(t, "unconnected sessions reaped", func() bool { return sh.relay.viewerCount() == 0 })
	eventually(t, "the sessions' room freed", func() bool {
		p.srv.mu.Lock()
		defer p.srv.mu.Unlock()
		return p.srv.whepTotal == 0 && p.srv.whepPending == 0 && len(p.srv.whepByViewer) == 0
	})
	if resp, e := a.postSDP(whep, sdp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("a session after the reaping: %d %+v", resp.StatusCode, e)
	}
}

// Row 3: an offer with hundreds of candidates is refused, and the
// candidates of an accepted offer are never dialled (playback is ICE-lite).
func TestWHEPOfferCandidatesNotDialled(t *testing.T) {
	p := newPlatform(t)
	s, in := p.liveShow("候选")
	api := peerAPI(t)
	pub := publish(t, api, in.WHIPURL, in.Token, 'A', 30, 2)
	defer pub.close()
	v := p.newViewer(s.ID, "")

	_, sdp := offerFrom(t, api)
	var many strings.Builder
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&many, "a=candidate:%d 1 udp 2130706431 10.%d.%d.%d 9 typ host\r\n", i, i/65536%256, i/256%256, i%256)
	}
	flood := strings.Replace(sdp, "a=end-of-candidates", strings.TrimSuffix(many.String(), "\r\n")+"\r\na=end-of-candidates", 1)
	if resp, e := v.postSDP("/whep/"+s.ID, flood); resp.StatusCode != http.StatusBadRequest || e.Error.Code != "bad_sdp" {
		t.Fatalf("an offer with 100 candidates: %d %+v", resp.StatusCode, e)
	}

	// A trap: a UDP port on loopback named as the offer's best candidate.
	trap, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer trap.Close()
	port := trap.LocalAddr().(*net.UDPAddr).Port
	pc, sdp := offerFrom(t, api)
	bait := fmt.Sprintf("a=candidate:999 1 udp 2130706431 127.0.0.1 %d typ host\r\n", port)
	i := strings.Index(sdp, "a=candidate:")
	sdp = sdp[:i] + bait + sdp[i:]
	resp, e, answer := v.postSDPAnswer("/whep/"+s.ID, sdp)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("offer: %d %+v", resp.StatusCode, e)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the viewer connects", func() bool { return pc.ConnectionState() == webrtc.PeerConnectionStateConnected })
	// Give a dialling agent ample time: it would have checked the best pair
	// first, every 50 ms or so.
	trap.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 1500)
	if n, from, err := trap.ReadFrom(buf); err == nil {
		t.Fatalf("the platform dialled an offered candidate: %d bytes from %v", n, from)
	}
}

// Row 5: viewer cookies are minted within a per-address budget that a
// 300-page loopback fan-out fits; idle viewers leave memory; the WAL stays bounded.
func TestViewerMintingBudget(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("铸币")
	burst := DefaultLimits().NewViewers.Burst
	for i := 0; i < burst; i++ {
		resp, err := http.Get(p.srv.URL() + "/api/shows/" + s.ID + "/public")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("new viewer %d from loopback: %d", i+1, resp.StatusCode)
		}
	}
	resp, err := http.Get(p.srv.URL() + "/watch/" + s.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("viewer %d from one address at once: %d", burst+1, resp.StatusCode)
	}
	p.clk.Advance(time.Second)
	v := p.newViewer(s.ID, "") // the budget refills
	p.srv.mu.Lock()
	cached := len(p.srv.viewers)
	p.srv.mu.Unlock()
	if cached < burst {
		t.Fatalf("%d viewers cached", cached)
	}
	// Idle viewers are evicted; a returning one is read from storage.
	p.clk.Advance(DefaultLimits().ViewerIdle + 2*time.Minute)
	eventually(t, "idle viewers evicted", func() bool {
		p.clk.Advance(time.Second)
		p.srv.mu.Lock()
		defer p.srv.mu.Unlock()
		return len(p.srv.viewers) == 0
	})
	if _, st := v.comment(s.ID, "我回来了"); st != 201 {
		t.Fatalf("a returning viewer's comment: %d", st)
	}
	if n := p.srv.mints.Len(); n != 0 {
		t.Fatalf("%d minting buckets kept for idle addresses", n)
	}
}

func TestWALStaysBounded(t *testing.T) {
	const limit = 256 << 10
	p := startWith(t, Limits{WALLimit: limit, CheckpointEvery: time.Second})
	s, _ := p.liveShow("日志")
	sh, _ := p.srv.lookup(s.ID)
	write := func(n int) {
		sh.mu.Lock()
		defer sh.mu.Unlock()
		for i := 0; i < n; i++ {
			if err := sh.emitLocked(platform.Event{Type: platform.EventBulletin, Text: strings.Repeat("公告", 500)}, scopePublic, "", false); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(1000) // about 3 MB
	if w := p.srv.walSize(); w < 4*limit {
		t.Skipf("the WAL is only %d bytes: nothing to bound", w)
	}
	eventually(t, "the WAL cut back after a checkpoint", func() bool {
		p.clk.Advance(time.Second)
		write(1)
		return p.srv.walSize() <= limit+64<<10
	})
}

// Row 17: the database is readable by its owner only.
func TestDatabaseIsPrivate(t *testing.T) {
	p := newPlatform(t)
	fi, err := os.Stat(p.dir + "/platform.db")
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Fatalf("platform.db is %v, want 0600", m)
	}
}

// The body timeout does not cut an upgraded event socket: the socket outlives it.
func TestEventSocketOutlivesBodyTimeout(t *testing.T) {
	p := startWith(t, Limits{ReadHeaderTimeout: time.Second, BodyTimeout: time.Second})
	s, _ := p.liveShow("长连接")
	ws := dialStudio(t, p, s.ID, 0)
	time.Sleep(2500 * time.Millisecond) // past the 1 s limit: the limit itself is what is tested
	if err := p.studio.Bulletin(ctx(t), s.ID, "end"); err != nil {
		t.Fatal(err)
	}
	readUntil(t, ws, "end")
}
