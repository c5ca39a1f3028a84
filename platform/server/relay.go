package server

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"showcaster/internal/rtpsr"
)

// media holds the two WebRTC stacks: ingest (receives, sends TWCC, NACKs and
// receiver reports so the publisher's congestion control works) and playback
// (sends, answers NACKs from its buffer, sends sender reports).
type media struct {
	ingest   *webrtc.API
	playback *webrtc.API
	// Guests publish from browsers: VP8 (every browser sends it) and Opus.
	guestIngest   *webrtc.API
	guestPlayback *webrtc.API
	// clocks: viewer stream SSRC → the rtpsr.Clock its sender reports follow.
	clocks *sync.Map
}

// Profiles the ingest accepts; the studio's encoder and browsers pick among these.
var h264Profiles = []struct {
	pt   webrtc.PayloadType
	fmtp string
}{
	{102, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"},
	{104, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"},
	{106, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f"},
	{108, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f"},
	{110, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f"},
}

var (
	// The relay's outgoing tracks announce one codec each; viewers negotiate it
	// once and keep it across publishers (any H.264 decoder plays every profile above).
	videoCodec = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"}
	audioCodec = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
		SDPFmtpLine: "minptime=10;useinbandfec=1"}
)

func registerCodecs(m *webrtc.MediaEngine) error {
	fb := []webrtc.RTCPFeedback{{Type: "ccm", Parameter: "fir"}}
	for _, p := range h264Profiles {
		c := webrtc.RTPCodecParameters{PayloadType: p.pt, RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeH264, ClockRate: 90000, SDPFmtpLine: p.fmtp, RTCPFeedback: fb}}
		if err := m.RegisterCodec(c, webrtc.RTPCodecTypeVideo); err != nil {
			return err
		}
	}
	return m.RegisterCodec(webrtc.RTPCodecParameters{PayloadType: 111, RTPCodecCapability: audioCodec}, webrtc.RTPCodecTypeAudio)
}

func newMedia(logf func(string, ...any)) (*media, error) {
	var se webrtc.SettingEngine
	// Loopback matters: the studio and a browser on the same laptop reach the platform there.
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	// Browsers hide their addresses behind mDNS names; their checks still arrive as
	// peer-reflexive candidates, so resolving the names is not needed.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)

	// Playback answers anyone holding a viewer cookie: as an ICE-lite agent it
	// only answers the viewer's connectivity checks and never sends checks of
	// its own, so an offer's candidates cannot make it dial addresses.
	playSE := se
	playSE.SetLite(true)

	ingestME := &webrtc.MediaEngine{}
	if err := registerCodecs(ingestME); err != nil {
		return nil, fmt.Errorf("%w: register ingest codecs: %v", ErrMedia, err)
	}
	ingestIR := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(ingestME, ingestIR); err != nil {
		return nil, fmt.Errorf("%w: configure NACK: %v", ErrMedia, err)
	}
	if err := webrtc.ConfigureRTCPReports(ingestIR); err != nil {
		return nil, fmt.Errorf("%w: configure RTCP reports: %v", ErrMedia, err)
	}
	if err := webrtc.ConfigureTWCCSender(ingestME, ingestIR); err != nil {
		return nil, fmt.Errorf("%w: configure TWCC: %v", ErrMedia, err)
	}

	playME := &webrtc.MediaEngine{}
	if err := registerCodecs(playME); err != nil {
		return nil, fmt.Errorf("%w: register playback codecs: %v", ErrMedia, err)
	}
	playME.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack"}, webrtc.RTPCodecTypeVideo)
	playME.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack", Parameter: "pli"}, webrtc.RTPCodecTypeVideo)
	playIR := &interceptor.Registry{}
	responder, err := nack.NewResponderInterceptor()
	if err != nil {
		return nil, fmt.Errorf("%w: configure NACK responder: %v", ErrMedia, err)
	}
	playIR.Add(responder)
	// Sender reports on the publisher's capture clock (rtpsr): each viewer
	// stream's Clock is its relay's rewriter, registered by SSRC in watch.
	clocks := &sync.Map{}
	playIR.Add(rtpsr.Factory{Lookup: func(ssrc uint32) rtpsr.Clock {
		if c, ok := clocks.Load(ssrc); ok {
			return c.(rtpsr.Clock)
		}
		return nil
	}})

	gIn, gPlay, err := guestAPIs(se)
	if err != nil {
		return nil, err
	}
	return &media{
		clocks:        clocks,
		ingest:        webrtc.NewAPI(webrtc.WithMediaEngine(ingestME), webrtc.WithInterceptorRegistry(ingestIR), webrtc.WithSettingEngine(se)),
		playback:      webrtc.NewAPI(webrtc.WithMediaEngine(playME), webrtc.WithInterceptorRegistry(playIR), webrtc.WithSettingEngine(playSE)),
		guestIngest:   gIn,
		guestPlayback: gPlay,
	}, nil
}

// relay forwards one show's published packets to its viewers. Its two
// outgoing tracks live as long as the show, so viewers keep them (and keep
// playing) when the publisher is replaced or reconnects.
type relay struct {
	show string
	logf func(string, ...any)

	ingestAPI, playAPI *webrtc.API
	clocks             *sync.Map // the playback API's (media.clocks)
	// onPublisher, when set, hears the publisher connect (true) and go (false).
	onPublisher func(up bool)

	video, audio *webrtc.TrackLocalStaticRTP
	vrw, arw     rewriter

	cur      atomic.Pointer[publisher]
	lastPLI  atomic.Int64
	pubAlive atomic.Bool
	// presence hears when a publisher starts and stops sending (on-air time
	// and the replay); it may be nil.
	presence func(p *publisher, on bool)
	// rec records the formal broadcast for the replay (replay.go); nil otherwise.
	rec atomic.Pointer[recorder]

	mu      sync.Mutex
	viewers map[string]*viewerSession
	closed  bool
}

type publisher struct {
	id        string
	pc        *webrtc.PeerConnection
	ice       *iceResource
	videoSSRC atomic.Uint32
	// clockOff is the publisher's clock against ours (the first sender
	// report's arrival minus its NTP time), the same for both streams, so
	// a studio on another machine keeps its lip sync.
	clockOnce sync.Once
	clockOff  time.Duration
}

type viewerSession struct {
	id        string
	pc        *webrtc.PeerConnection
	ice       *iceResource
	ssrcs     []uint32 // its streams' SSRCs in the clocks map
	onClose   func()
	once      sync.Once
	connected chan struct{} // closed when the peer connects
	conOnce   sync.Once
}

// pliInterval bounds the keyframe requests that reach the publisher: many
// viewers joining at once must not make the encoder send keyframe after keyframe.
const pliInterval = 500 * time.Millisecond

func newRelay(show string, m *media, logf func(string, ...any)) *relay {
	v, _ := webrtc.NewTrackLocalStaticRTP(videoCodec, "video", "showcaster-"+show)
	a, _ := webrtc.NewTrackLocalStaticRTP(audioCodec, "audio", "showcaster-"+show)
	r := &relay{show: show, ingestAPI: m.ingest, playAPI: m.playback, clocks: m.clocks, logf: logf, video: v, audio: a, viewers: map[string]*viewerSession{}}
	r.vrw.clockRate = 90000
	r.arw.clockRate = 48000
	return r
}

// negotiate applies the offer and waits for a complete answer (no trickle ICE).
func negotiate(pc *webrtc.PeerConnection, offer string) (string, error) {
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", fmt.Errorf("%w: the offer was refused: %v", ErrMedia, err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", fmt.Errorf("%w: no answer fits the offer (send H.264 with packetization-mode=1 and Opus): %v", ErrMedia, err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return "", fmt.Errorf("%w: set the answer: %v", ErrMedia, err)
	}
	select {
	case <-gathered:
	case <-time.After(10 * time.Second): // wall clock: ICE gathers on the real network
		return "", fmt.Errorf("%w: gathering network candidates took over 10 s", ErrMedia)
	}
	return pc.LocalDescription().SDP, nil
}

// publish accepts a WHIP offer; a publisher already present is replaced.
func (r *relay) publish(offer string) (string, string, error) {
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return "", "", ErrClosed
	}
	pc, err := r.ingestAPI.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrMedia, err)
	}
	p := &publisher{id: randomToken(8), pc: pc, ice: newICEResource(pc)}
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			pc.Close()
			return "", "", fmt.Errorf("%w: %v", ErrMedia, err)
		}
	}
	pc.OnTrack(func(t *webrtc.TrackRemote, rcv *webrtc.RTPReceiver) {
		rw := &r.arw
		if t.Kind() == webrtc.RTPCodecTypeVideo {
			rw = &r.vrw
			p.videoSSRC.Store(uint32(t.SSRC()))
		}
		go readPublisherRTCP(p, rcv, uint32(t.SSRC()), rw)
		if t.Kind() == webrtc.RTPCodecTypeVideo {
			r.forward(p, t, r.video, &r.vrw)
			return
		}
		r.forward(p, t, r.audio, &r.arw)
	})
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			if r.cur.Load() == p {
				r.pubAlive.Store(true)
				if r.onPublisher != nil {
					r.onPublisher(true)
				}
				r.notePresence(p, true)
			}
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			r.dropPublisher(p)
		}
	})
	answer, err := negotiate(pc, offer)
	if err != nil {
		pc.Close()
		return "", "", err
	}
	if old := r.cur.Swap(p); old != nil {
		r.logf("platform: show %s: a new publisher replaces %s", r.show, old.id)
		r.notePresence(old, false)
		go old.pc.Close()
	}
	r.pubAlive.Store(false)
	return p.id, answer, nil
}

func (r *relay) dropPublisher(p *publisher) {
	if r.cur.CompareAndSwap(p, nil) {
		if r.pubAlive.Swap(false) && r.onPublisher != nil {
			r.onPublisher(false)
		}
		r.notePresence(p, false)
	}
	go p.pc.Close()
}

// unpublish ends the publisher session id; false if it is not the current one.
func (r *relay) unpublish(id string) bool {
	p := r.cur.Load()
	if p == nil || p.id != id {
		return false
	}
	r.dropPublisher(p)
	return true
}

// publisherICE is the ICE side of publisher session id, nil unless it is the current one.
func (r *relay) publisherICE(id string) *iceResource {
	if p := r.cur.Load(); p != nil && p.id == id {
		return p.ice
	}
	return nil
}

// viewerICE is the ICE side of viewer session id, nil if there is none.
func (r *relay) viewerICE(id string) *iceResource {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v := r.viewers[id]; v != nil {
		return v.ice
	}
	return nil
}

func (r *relay) notePresence(p *publisher, on bool) {
	if r.presence != nil {
		r.presence(p, on)
	}
}

// startRecording hands the relayed packets to rec from now on and asks for
// a keyframe, where the replay can begin.
func (r *relay) startRecording(rec *recorder) {
	r.rec.Store(rec)
	r.lastPLI.Store(0)
	r.requestKeyframe()
}

func (r *relay) stopRecording() *recorder { return r.rec.Swap(nil) }

func (r *relay) recording() bool { return r.rec.Load() != nil }

func (r *relay) publishing() bool { return r.cur.Load() != nil && r.pubAlive.Load() }

// readPublisherRTCP reads a published stream's RTCP (which also drives the
// ingest's interceptors) and hands its sender reports to the stream's
// rewriter: the viewers' reports follow the publisher's clock.
func readPublisherRTCP(p *publisher, rcv *webrtc.RTPReceiver, ssrc uint32, rw *rewriter) {
	for {
		pkts, _, err := rcv.ReadRTCP()
		if err != nil {
			return
		}
		now := time.Now() // wall clock: the report's arrival
		for _, pkt := range pkts {
			if sr, ok := pkt.(*rtcp.SenderReport); ok && sr.SSRC == ssrc {
				at := rtpsr.FromNTP(sr.NTPTime)
				p.clockOnce.Do(func() { p.clockOff = now.Sub(at) })
				rw.noteReport(p, sr.RTPTime, at.Add(p.clockOff))
			}
		}
	}
}

// forward copies one published track to the shared outgoing track. It reuses
// one buffer and one packet: the fan-out path allocates nothing per packet.
func (r *relay) forward(p *publisher, in *webrtc.TrackRemote, out *webrtc.TrackLocalStaticRTP, rw *rewriter) {
	buf := make([]byte, 1600)
	var pkt rtp.Packet
	for {
		n, _, err := in.Read(buf)
		if err != nil {
			return
		}
		if err := pkt.Unmarshal(buf[:n]); err != nil {
			continue
		}
		// The publisher's header extension ids mean nothing in the viewers' sessions.
		pkt.Header.Extension = false
		pkt.Header.Extensions = pkt.Header.Extensions[:0]
		now := time.Now() // wall clock: media timing paces real packets
		if !rw.apply(&r.cur, p, &pkt.Header, now) {
			return // replaced
		}
		if rec := r.rec.Load(); rec != nil {
			rec.record(out == r.video, &pkt, now)
		}
		// A write error is one viewer's closed transport; that viewer's session notices on its own.
		_ = out.WriteRTP(&pkt)
	}
}

// rewriter keeps an outgoing track's sequence numbers and timestamps continuous
// across publishers, so viewers' decoders and SRTP replay windows see one stream.
type rewriter struct {
	mu        sync.Mutex
	owner     *publisher
	started   bool
	seqOff    uint16
	tsOff     uint32
	lastSeq   uint16
	lastTS    uint32
	lastAt    time.Time
	clockRate uint32
	// The current publisher's latest sender report for this stream: its
	// RTP time (the publisher's numbering) and the instant it stands for,
	// on our clock. reportOwner is whose it is.
	reportOwner *publisher
	reportTS    uint32
	reportAt    time.Time
}

// noteReport keeps publisher p's sender report: RTP time ts is the instant at.
func (rw *rewriter) noteReport(p *publisher, ts uint32, at time.Time) {
	rw.mu.Lock()
	rw.reportOwner, rw.reportTS, rw.reportAt = p, ts, at
	rw.mu.Unlock()
}

// RTPAt is the outgoing stream's RTP time at now on the publisher's own
// clock (rtpsr.Clock): the publisher's latest report, carried forward and
// renumbered as the viewers see the stream. False until the current
// publisher has sent a report.
func (rw *rewriter) RTPAt(now time.Time) (uint32, bool) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.reportOwner == nil || rw.reportOwner != rw.owner {
		return 0, false
	}
	ts := rw.reportTS + uint32(int64(now.Sub(rw.reportAt).Seconds()*float64(rw.clockRate)))
	return ts + rw.tsOff, true
}

// apply rewrites h for publisher p; false when p is no longer the current publisher.
func (rw *rewriter) apply(cur *atomic.Pointer[publisher], p *publisher, h *rtp.Header, now time.Time) bool {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if cur.Load() != p {
		return false
	}
	if rw.owner != p {
		if rw.started {
			gap := uint32(now.Sub(rw.lastAt).Seconds() * float64(rw.clockRate))
			if gap == 0 {
				gap = 1
			}
			rw.seqOff = rw.lastSeq + 1 - h.SequenceNumber
			rw.tsOff = rw.lastTS + gap - h.Timestamp
		}
		rw.owner = p
	}
	h.SequenceNumber += rw.seqOff
	h.Timestamp += rw.tsOff
	if !rw.started || int16(h.SequenceNumber-rw.lastSeq) > 0 {
		rw.lastSeq, rw.lastTS, rw.lastAt = h.SequenceNumber, h.Timestamp, now
	}
	rw.started = true
	return true
}

// requestKeyframe asks the publisher for a keyframe, at most once per pliInterval.
// Media timing runs on the wall clock: it paces real packets, not platform logic.
func (r *relay) requestKeyframe() {
	now := time.Now().UnixNano() // wall clock: see above
	last := r.lastPLI.Load()
	if now-last < int64(pliInterval) || !r.lastPLI.CompareAndSwap(last, now) {
		return
	}
	p := r.cur.Load()
	if p == nil {
		return
	}
	ssrc := p.videoSSRC.Load()
	if ssrc == 0 {
		return
	}
	_ = p.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}})
}

// watch accepts a WHEP offer; onClose runs once when the session ends. The
// returned channel is closed when the viewer's peer connects.
func (r *relay) watch(offer string, onClose func()) (string, string, <-chan struct{}, error) {
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return "", "", nil, ErrClosed
	}
	pc, err := r.playAPI.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return "", "", nil, fmt.Errorf("%w: %v", ErrMedia, err)
	}
	v := &viewerSession{id: randomToken(8), pc: pc, ice: newICEResource(pc), onClose: onClose, connected: make(chan struct{})}
	for _, t := range []*webrtc.TrackLocalStaticRTP{r.video, r.audio} {
		sender, err := pc.AddTrack(t)
		if err != nil {
			r.forgetClocks(v)
			pc.Close()
			return "", "", nil, fmt.Errorf("%w: %v", ErrMedia, err)
		}
		if p := sender.GetParameters(); len(p.Encodings) > 0 && r.clocks != nil {
			rw := &r.arw
			if t == r.video {
				rw = &r.vrw
			}
			ssrc := uint32(p.Encodings[0].SSRC)
			r.clocks.Store(ssrc, rtpsr.Clock(rw))
			v.ssrcs = append(v.ssrcs, ssrc)
		}
		go r.readViewerRTCP(sender, t == r.video)
	}
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			v.conOnce.Do(func() { close(v.connected) })
			r.requestKeyframe() // a new viewer can start decoding only at a keyframe
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			r.removeViewer(v.id)
		}
	})
	answer, err := negotiate(pc, offer)
	if err != nil {
		r.forgetClocks(v)
		pc.Close()
		return "", "", nil, err
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		r.forgetClocks(v)
		pc.Close()
		return "", "", nil, ErrClosed
	}
	r.viewers[v.id] = v
	r.mu.Unlock()
	return v.id, answer, v.connected, nil
}

func (r *relay) readViewerRTCP(s *webrtc.RTPSender, video bool) {
	for {
		pkts, _, err := s.ReadRTCP()
		if err != nil {
			return
		}
		if !video {
			continue
		}
		for _, p := range pkts {
			switch p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				r.requestKeyframe()
			}
		}
	}
}

// removeViewer ends a viewer session; false if there is none with that id.
func (r *relay) removeViewer(id string) bool {
	r.mu.Lock()
	v := r.viewers[id]
	delete(r.viewers, id)
	r.mu.Unlock()
	if v == nil {
		return false
	}
	v.once.Do(func() {
		r.forgetClocks(v)
		go v.pc.Close()
		if v.onClose != nil {
			v.onClose()
		}
	})
	return true
}

// forgetClocks takes a viewer's streams out of the clocks map.
func (r *relay) forgetClocks(v *viewerSession) {
	if r.clocks == nil {
		return
	}
	for _, ssrc := range v.ssrcs {
		r.clocks.Delete(ssrc)
	}
}

// viewerCount is the number of WHEP sessions.
func (r *relay) viewerCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.viewers)
}

// stopAll ends the publisher and every viewer (end of a trial or of the show).
func (r *relay) stopAll() {
	if p := r.cur.Load(); p != nil {
		r.dropPublisher(p)
	}
	r.mu.Lock()
	ids := make([]string, 0, len(r.viewers))
	for id := range r.viewers {
		ids = append(ids, id)
	}
	r.mu.Unlock()
	for _, id := range ids {
		r.removeViewer(id)
	}
}

// close ends everything and refuses new sessions; it waits for the peer connections to close.
func (r *relay) close() {
	r.mu.Lock()
	r.closed = true
	viewers := r.viewers
	r.viewers = map[string]*viewerSession{}
	r.mu.Unlock()
	var errs []error
	if p := r.cur.Swap(nil); p != nil {
		errs = append(errs, p.pc.Close())
	}
	for _, v := range viewers {
		v.once.Do(func() {
			r.forgetClocks(v)
			errs = append(errs, v.pc.Close())
			if v.onClose != nil {
				v.onClose()
			}
		})
	}
	if err := errors.Join(errs...); err != nil {
		r.logf("platform: show %s: closing media sessions: %v", r.show, err)
	}
}
