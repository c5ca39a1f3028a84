package server

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// peerAPI is a WebRTC stack like a studio's or a browser's, for tests.
func peerAPI(t testing.TB) *webrtc.API {
	t.Helper()
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		t.Fatal(err)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(loopbackSettings()))
}

// loopbackSettings keep a test peer on loopback UDP, without mDNS.
func loopbackSettings() webrtc.SettingEngine {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return se
}

// signal posts the peer's complete offer to url and applies the answer.
func signal(t testing.TB, pc *webrtc.PeerConnection, url, token string, hc ...*http.Client) string {
	t.Helper()
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	req, _ := http.NewRequest("POST", url, bytes.NewReader([]byte(pc.LocalDescription().SDP)))
	req.Header.Set("Content-Type", "application/sdp")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := http.DefaultClient
	if len(hc) > 0 {
		client = hc[0]
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Location") == "" {
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, answer)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(answer)}); err != nil {
		t.Fatal(err)
	}
	return resp.Header.Get("Location")
}

// testPublisher sends synthetic H.264 RTP (perFrame packets of 1100 bytes a frame) and Opus at a steady rate.
type testPublisher struct {
	pc   *webrtc.PeerConnection
	plis atomic.Int64
	stop chan struct{}
	done sync.WaitGroup
}

func publish(t testing.TB, api *webrtc.API, whipURL, token string, tag byte, fps, perFrame int) *testPublisher {
	t.Helper()
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	video, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"}, "video", "studio")
	audio, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "studio")
	p := &testPublisher{pc: pc, stop: make(chan struct{})}
	vs, err := pc.AddTrack(video)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.AddTrack(audio); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			pkts, _, err := vs.ReadRTCP()
			if err != nil {
				return
			}
			for _, pk := range pkts {
				if _, ok := pk.(*rtcp.PictureLossIndication); ok {
					p.plis.Add(1)
				}
			}
		}
	}()
	signal(t, pc, whipURL, token)
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		payload := make([]byte, 1100)
		payload[0] = 0x65 // an IDR slice NAL header: the relay never looks inside
		payload[1] = tag
		opus := make([]byte, 120)
		opus[0] = tag
		tick := time.NewTicker(time.Second / time.Duration(fps))
		defer tick.Stop()
		var seq uint16
		var ts uint32
		var aseq uint16
		for n := 0; ; n++ {
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
			for i := 0; i < perFrame; i++ {
				seq++
				_ = video.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, Marker: i == perFrame-1}, Payload: payload})
			}
			ts += 90000 / uint32(fps)
			if n%(fps/30+1) == 0 {
				aseq++
				_ = audio.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: aseq, Timestamp: uint32(aseq) * 960}, Payload: opus})
			}
		}
	}()
	return p
}

func (p *testPublisher) close() {
	close(p.stop)
	p.done.Wait()
	p.pc.Close()
}

// testViewer counts the frames and packets it receives and the largest sequence gap.
type testViewer struct {
	pc      *webrtc.PeerConnection
	packets atomic.Int64
	frames  atomic.Int64
	lastTag atomic.Int32
	maxGap  atomic.Int32
	ssrc    atomic.Uint32
}

// watch plays whepURL as the viewer whose cookies hc holds.
func watch(t testing.TB, api *webrtc.API, whepURL string, hc *http.Client) *testViewer {
	t.Helper()
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	v := &testViewer{pc: pc}
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		buf := make([]byte, 1600)
		var pkt rtp.Packet
		if tr.Kind() != webrtc.RTPCodecTypeVideo {
			for {
				if _, _, err := tr.Read(buf); err != nil {
					return
				}
			}
		}
		v.ssrc.Store(uint32(tr.SSRC()))
		var last uint16
		for first := true; ; first = false {
			n, _, err := tr.Read(buf)
			if err != nil {
				return
			}
			if pkt.Unmarshal(buf[:n]) != nil {
				continue
			}
			if !first {
				if gap := int32(int16(pkt.SequenceNumber - last)); gap > v.maxGap.Load() {
					v.maxGap.Store(gap)
				}
			}
			last = pkt.SequenceNumber
			v.packets.Add(1)
			if pkt.Marker {
				v.frames.Add(1)
			}
			if len(pkt.Payload) > 1 {
				v.lastTag.Store(int32(pkt.Payload[1]))
			}
		}
	})
	signal(t, pc, whepURL, "", hc)
	return v
}

func (v *testViewer) pli() error {
	return v.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: v.ssrc.Load()}})
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRelayWHIPToWHEP(t *testing.T) {
	p := newPlatform(t)
	s, in := p.liveShow("转发")
	api := peerAPI(t)
	pubA := publish(t, api, in.WHIPURL, in.Token, 'A', 30, 3)
	defer pubA.close()
	whep := p.srv.URL() + "/whep/" + s.ID
	v1 := watch(t, api, whep, p.newViewer(s.ID, "").hc)
	v2 := watch(t, api, whep, p.newViewer(s.ID, "").hc)
	defer v1.pc.Close()
	defer v2.pc.Close()
	for i, v := range []*testViewer{v1, v2} {
		eventually(t, "viewer media", func() bool { return v.frames.Load() >= 15 && v.lastTag.Load() == 'A' })
		_ = i
	}

	// A viewer's PLI reaches the publisher (after the join-time request's rate limit).
	time.Sleep(pliInterval + 100*time.Millisecond)
	before := pubA.plis.Load()
	if err := v1.pli(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "PLI at the publisher", func() bool { return pubA.plis.Load() > before })

	// A second publisher replaces the first; viewers keep their tracks and get the new media.
	pubB := publish(t, api, in.WHIPURL, in.Token, 'B', 30, 3)
	defer pubB.close()
	eventually(t, "the first publisher closed", func() bool {
		st := pubA.pc.ConnectionState()
		return st == webrtc.PeerConnectionStateClosed || st == webrtc.PeerConnectionStateFailed || st == webrtc.PeerConnectionStateDisconnected
	})
	for _, v := range []*testViewer{v1, v2} {
		eventually(t, "media of the new publisher", func() bool { return v.lastTag.Load() == 'B' })
		n := v.frames.Load()
		eventually(t, "more frames", func() bool { return v.frames.Load() >= n+15 })
		if g := v.maxGap.Load(); g > 50 || g < 1 {
			t.Fatalf("sequence numbers jumped by %d across the switch", g)
		}
	}
	// Online counts both WHEP viewers.
	p.clk.Advance(time.Second)
	sh, _ := p.srv.lookup(s.ID)
	eventually(t, "online count", func() bool { sh.mu.Lock(); defer sh.mu.Unlock(); return sh.sentOnline == 2 })

	// Ending the show ends the viewers' sessions; a new viewer is told it has ended.
	if _, err := p.studio.End(ctx(t), s.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "viewer sessions closed", func() bool { return sh.relay.viewerCount() == 0 })
	resp, err := http.Post(whep, "application/sdp", bytes.NewReader([]byte("v=0")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("WHEP on an ended show: %d", resp.StatusCode)
	}
}
