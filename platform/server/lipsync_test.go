package server

import (
	"encoding/binary"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"showcaster/internal/rtpsr"
)

// The viewers' sender reports carry the publisher's capture clock: a
// publisher whose sound leaves 80 ms after it was captured (mixing, packet
// length) and whose picture leaves at once tells so in its own reports, and
// a viewer mapping either stream through the relay's reports finds each
// packet at the instant it was captured, so its lip sync lines up capture
// times. The relay used to anchor its reports on when packets left it,
// which put the sound 80 ms late against the picture.
func TestRelaySenderReportsFollowThePublishersClock(t *testing.T) {
	p := newPlatform(t)
	s, in := p.liveShow("口型同步")

	// The publisher: capture-clock reports (as the studio sends), the
	// capture instant written into every payload.
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	vclock, aclock := rtpsr.NewCaptureClock(90000), rtpsr.NewCaptureClock(48000)
	var ssrcMu sync.Mutex
	clocks := map[uint32]rtpsr.Clock{}
	ir := &interceptor.Registry{}
	ir.Add(rtpsr.Factory{Lookup: func(ssrc uint32) rtpsr.Clock {
		ssrcMu.Lock()
		defer ssrcMu.Unlock()
		return clocks[ssrc]
	}})
	pubAPI := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(loopbackSettings()))
	pc, err := pubAPI.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	video, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"}, "video", "studio")
	audio, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "studio")
	for _, tr := range []struct {
		track *webrtc.TrackLocalStaticRTP
		clock rtpsr.Clock
	}{{video, vclock}, {audio, aclock}} {
		sender, err := pc.AddTrack(tr.track)
		if err != nil {
			t.Fatal(err)
		}
		ssrcMu.Lock()
		clocks[uint32(sender.GetParameters().Encodings[0].SSRC)] = tr.clock
		ssrcMu.Unlock()
		go func() {
			for {
				if _, _, err := sender.ReadRTCP(); err != nil {
					return
				}
			}
		}()
	}
	signal(t, pc, in.WHIPURL, in.Token)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer func() { close(stop); wg.Wait() }()
	const soundPath = 80 * time.Millisecond
	origin := time.Now()
	payload := func(at time.Time, n int) []byte {
		b := make([]byte, n)
		b[0] = 0x65
		binary.BigEndian.PutUint64(b[1:], uint64(at.UnixNano()))
		return b
	}
	wg.Add(2)
	go func() { // the picture: 30 fps, sent as captured
		defer wg.Done()
		tick := time.NewTicker(time.Second / 30)
		defer tick.Stop()
		var seq uint16
		for {
			select {
			case <-stop:
				return
			case at := <-tick.C:
				ts := 1000 + uint32(at.Sub(origin)*90000/time.Second)
				vclock.Note(ts, at)
				seq++
				_ = video.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, Marker: true}, Payload: payload(at, 1000)})
			}
		}
	}()
	go func() { // the sound: 20 ms packets, each sent soundPath after its capture
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var seq uint16
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				at := now.Add(-soundPath)
				ts := 5000 + uint32(at.Sub(origin)*48000/time.Second)
				aclock.Note(ts, at)
				seq++
				_ = audio.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts}, Payload: payload(at, 100)})
			}
		}
	}()

	// The viewer: for each stream, the latest sender report and the latest
	// packet (its RTP time and the capture instant in its payload).
	type view struct {
		sr       *rtcp.SenderReport
		ts       uint32
		captured time.Time
	}
	var mu sync.Mutex
	views := map[webrtc.RTPCodecType]*view{webrtc.RTPCodecTypeVideo: {}, webrtc.RTPCodecTypeAudio: {}}
	vpc, err := peerAPI(t).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer vpc.Close()
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := vpc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	vpc.OnTrack(func(tr *webrtc.TrackRemote, rcv *webrtc.RTPReceiver) {
		v := views[tr.Kind()]
		go func() {
			for {
				pkts, _, err := rcv.ReadRTCP()
				if err != nil {
					return
				}
				for _, pk := range pkts {
					if sr, ok := pk.(*rtcp.SenderReport); ok {
						mu.Lock()
						v.sr = sr
						mu.Unlock()
					}
				}
			}
		}()
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			if len(pkt.Payload) < 9 {
				continue
			}
			mu.Lock()
			v.ts, v.captured = pkt.Timestamp, time.Unix(0, int64(binary.BigEndian.Uint64(pkt.Payload[1:])))
			mu.Unlock()
		}
	})
	signal(t, vpc, p.srv.URL()+"/whep/"+s.ID, "", p.newViewer(s.ID, "").hc)

	// Where a stream's reports put its latest packet, against when it was
	// captured; sound minus picture is what lip sync would get wrong.
	misplaced := func(v *view, rate float64) (time.Duration, bool) {
		if v.sr == nil || v.captured.IsZero() {
			return 0, false
		}
		at := rtpsr.FromNTP(v.sr.NTPTime).Add(time.Duration(float64(int32(v.ts-v.sr.RTPTime)) / rate * float64(time.Second)))
		return at.Sub(v.captured), true
	}
	var offBy time.Duration
	deadline := time.Now().Add(10 * time.Second)
	for reports := 0; reports < 3; {
		if time.Now().After(deadline) {
			t.Fatalf("the viewer got no sender reports for both streams")
		}
		time.Sleep(time.Second)
		mu.Lock()
		dv, okv := misplaced(views[webrtc.RTPCodecTypeVideo], 90000)
		da, oka := misplaced(views[webrtc.RTPCodecTypeAudio], 48000)
		mu.Unlock()
		if okv && oka {
			reports++
			offBy = da - dv
			t.Logf("the reports place the picture %v and the sound %v from their capture: sound %v against the picture", dv, da, offBy)
		}
	}
	if math.Abs(float64(offBy)) > float64(15*time.Millisecond) {
		t.Fatalf("the viewer's reports put the sound %v away from the picture it was captured with (its path was %v longer); want within 15 ms", offBy, soundPath)
	}
}
