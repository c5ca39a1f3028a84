package publish

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/cc"
	"github.com/pion/interceptor/pkg/gcc"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"showcaster/encode"
	"showcaster/internal/rtpsr"
)

// Payload types and MTU of what we offer. The numbers are the ones browsers
// use, which keeps SDP diffs readable when debugging against them.
const (
	ptH264 = 102
	ptRTX  = 103
	ptOpus = 111
	// rtpMTU leaves room below a 1280-byte IPv6 minimum path MTU for UDP,
	// SRTP's tag and the TWCC header extension.
	rtpMTU = 1200
)

// session is one WHIP resource and its peer connection. A reconnect makes a
// new one; nothing of an old session is reused.
type session struct {
	w        *WHIP
	pc       *webrtc.PeerConnection
	resource string // the Location URL, for DELETE

	video, audio *webrtc.TrackLocalStaticRTP
	videoPack    rtp.Packetizer
	audioPack    rtp.Packetizer
	videoBase    uint32
	audioBase    uint32
	videoSSRC    uint32
	// Sender reports map RTP time to capture time through these (rtpsr).
	videoClock, audioClock *rtpsr.CaptureClock
	clockSSRC              [2]atomic.Uint32 // video, audio: whose Clock is which
	estimator              cc.BandwidthEstimator
	pacer                  *pacer
	awaitKeyframe          bool // sender goroutine only
	connectedAt            time.Time
	connectTook            time.Duration
	failedOnce             sync.Once
	failed                 chan struct{} // closed when the session is lost
	failErr                atomic.Value  // error
	closing                atomic.Bool   // set before our own Close, so its state changes are not failures
}

func (s *session) fail(err error) {
	if s.closing.Load() {
		return
	}
	s.failedOnce.Do(func() {
		s.failErr.Store(err)
		close(s.failed)
	})
}

func (s *session) err() error {
	if e, ok := s.failErr.Load().(error); ok {
		return e
	}
	return nil
}

// newAPI builds a pion API with the codecs we send and the interceptors,
// registered one by one so that what runs is what is listed here.
func (w *WHIP) newAPI(onEstimator func(cc.BandwidthEstimator), pace *pacer, clocks rtpsr.Lookup) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	videoFB := []webrtc.RTCPFeedback{
		{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "ccm", Parameter: "fir"},
		{Type: webrtc.TypeRTCPFBTransportCC},
	}
	// profile-level-id must describe the stream we send: receivers that
	// check it (and some hardware decoders) would otherwise refuse or
	// mis-decode it. level-asymmetry-allowed lets the answer carry a
	// different level without renegotiation.
	fmtp := "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + w.cfg.H264ProfileLevelID
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000, SDPFmtpLine: fmtp, RTCPFeedback: videoFB},
		PayloadType:        ptH264,
	}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	// RTX lets the NACK responder resend on its own SSRC when the server
	// negotiates it, so repairs do not look like reordering to the receiver.
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeRTX, ClockRate: 90000, SDPFmtpLine: fmt.Sprintf("apt=%d", ptH264)},
		PayloadType:        ptRTX,
	}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	opusFmtp := "minptime=10;useinbandfec=1"
	if w.cfg.AudioChannels == 2 {
		opusFmtp += ";stereo=1;sprop-stereo=1"
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: opusFmtp,
			RTCPFeedback: []webrtc.RTCPFeedback{{Type: webrtc.TypeRTCPFBTransportCC}}},
		PayloadType: ptOpus,
	}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}

	reg := &interceptor.Registry{}
	// Google congestion control: the send-side estimator turns the
	// server's TWCC feedback into a target bitrate. It sends at once; our
	// own pacer (pacer.go), outside the sequence numbering, paces.
	ccf, err := cc.NewInterceptor(func() (cc.BandwidthEstimator, error) {
		return gcc.NewSendSideBWE(
			gcc.SendSideBWEInitialBitrate(w.cfg.StartBitrate),
			gcc.SendSideBWEMinBitrate(w.cfg.MinBitrate),
			gcc.SendSideBWEMaxBitrate(w.cfg.MaxBitrate),
			gcc.SendSideBWEPacer(gcc.NewNoOpPacer()),
		)
	})
	if err != nil {
		return nil, err
	}
	ccf.OnNewPeerConnection(func(_ string, e cc.BandwidthEstimator) { onEstimator(e) })
	reg.Add(ccf)
	// Transport-wide sequence numbers on every packet, for TWCC feedback.
	if err := webrtc.ConfigureTWCCHeaderExtensionSender(m, reg); err != nil {
		return nil, err
	}
	// Registered after the sequence numbering, so it runs before it: a
	// packet is numbered when it leaves the pacer.
	reg.Add(pacerFactory{pace})
	// We only send, so we answer NACKs but never generate them.
	responder, err := nack.NewResponderInterceptor()
	if err != nil {
		return nil, err
	}
	reg.Add(responder)
	// Sender reports (for lip sync at the receiver), on the capture clock:
	// sound and picture are mapped to the instants they were captured, not
	// to when they happened to leave (package rtpsr).
	reg.Add(rtpsr.Factory{Lookup: clocks})

	se := webrtc.SettingEngine{}
	// pion's defaults wait 5 s of silence before "disconnected" and 25 s
	// more before "failed"; a live show wants to start reconnecting sooner.
	dt := w.cfg.DisconnectTimeout
	se.SetICETimeouts(dt/2, dt-dt/2, min(time.Second, dt/4))
	if w.cfg.LoopbackOnly {
		se.SetIncludeLoopbackCandidate(true)
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
		se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
		se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se)), nil
}

// connect runs one WHIP exchange and waits until media can flow.
func (w *WHIP) connect(ctx context.Context) (*session, error) {
	start := w.clk.Now()
	s := &session{w: w, failed: make(chan struct{}), awaitKeyframe: true,
		videoClock: rtpsr.NewCaptureClock(90000), audioClock: rtpsr.NewCaptureClock(48000)}
	var estMu sync.Mutex
	s.pacer = newPacer(w.cfg.StartBitrate)
	api, err := w.newAPI(func(e cc.BandwidthEstimator) { estMu.Lock(); s.estimator = e; estMu.Unlock() }, s.pacer, s.clockOf)
	if err != nil {
		_ = s.pacer.Close()
		return nil, fmt.Errorf("set up WebRTC: %w", err)
	}
	w.mu.Lock()
	iceServers := append([]webrtc.ICEServer(nil), w.iceServers...)
	w.mu.Unlock()
	pc, err := api.NewPeerConnection(webrtc.Configuration{ICEServers: iceServers, BundlePolicy: webrtc.BundlePolicyMaxBundle})
	if err != nil {
		_ = s.pacer.Close()
		return nil, fmt.Errorf("set up WebRTC: %w", err)
	}
	s.pc = pc
	ok := false
	defer func() {
		if !ok {
			s.closing.Store(true)
			_ = pc.Close()
		}
	}()

	// Tracks are written as RTP by our own packetizers, so that each
	// packet's timestamp comes from the encoder's PTS: frames dropped
	// before sending leave a gap in time, as they should, instead of
	// squeezing the timeline as sample durations alone would.
	s.video, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000}, "video", w.cfg.StreamID)
	if err != nil {
		return nil, err
	}
	s.audio, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", w.cfg.StreamID)
	if err != nil {
		return nil, err
	}
	vtr, err := pc.AddTransceiverFromTrack(s.video, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return nil, err
	}
	atr, err := pc.AddTransceiverFromTrack(s.audio, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return nil, err
	}
	for i, tr := range []*webrtc.RTPTransceiver{vtr, atr} {
		if p := tr.Sender().GetParameters(); len(p.Encodings) > 0 {
			s.clockSSRC[i].Store(uint32(p.Encodings[0].SSRC))
		}
	}
	s.videoPack = rtp.NewPacketizer(rtpMTU, 0, 0, &codecs.H264Payloader{}, rtp.NewRandomSequencer(), 90000)
	s.audioPack = rtp.NewPacketizer(rtpMTU, 0, 0, &codecs.OpusPayloader{}, rtp.NewRandomSequencer(), 48000)
	s.videoBase, s.audioBase = rand.Uint32(), rand.Uint32()

	connected := make(chan struct{})
	var connectedOnce sync.Once
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		w.logf("publish: session %s: peer connection %s", cmp.Or(s.resource, "(new)"), st)
		switch st {
		case webrtc.PeerConnectionStateConnected:
			connectedOnce.Do(func() { close(connected) })
		case webrtc.PeerConnectionStateFailed:
			s.fail(fmt.Errorf("%w: the connection failed", ErrICE))
		case webrtc.PeerConnectionStateClosed:
			s.fail(errors.New("the server closed the connection"))
		}
	})

	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return nil, fmt.Errorf("create offer: %w", err)
	}
	// No trickle: gather every candidate first and POST one complete offer,
	// which every WHIP server accepts.
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		return nil, fmt.Errorf("set offer: %w", err)
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	answer, resource, links, err := w.post(ctx, pc.LocalDescription().SDP)
	if err != nil {
		return nil, err
	}
	s.resource = resource
	if len(links) > 0 {
		// Without trickle the servers of this answer cannot help this
		// session's gathering; they serve every later session.
		w.mu.Lock()
		w.iceServers = links
		w.mu.Unlock()
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		w.deleteResource(resource)
		return nil, fmt.Errorf("%w: %v", ErrBadAnswer, err)
	}
	if p := vtr.Sender().GetParameters(); len(p.Encodings) > 0 {
		s.videoSSRC = uint32(p.Encodings[0].SSRC)
	}

	timeout := w.clk.NewTimer(w.cfg.ConnectTimeout)
	defer timeout.Stop()
	select {
	case <-connected:
	case <-s.failed:
		w.deleteResource(resource)
		return nil, fmt.Errorf("%w (%v)", ErrICE, s.err())
	case <-timeout.C():
		w.deleteResource(resource)
		return nil, fmt.Errorf("%w: not connected after %v", ErrICE, w.cfg.ConnectTimeout)
	case <-ctx.Done():
		w.deleteResource(resource)
		return nil, ctx.Err()
	}

	estMu.Lock()
	est := s.estimator
	estMu.Unlock()
	if est != nil {
		est.OnTargetBitrateChange(func(bps int) {
			s.pacer.SetTargetBitrate(bps)
			if !s.closing.Load() {
				w.setTarget(bps)
			}
		})
		// The new estimator (and the pacer) starts from StartBitrate; bring
		// the encoder there too, or the pacer's queue would grow.
		s.pacer.SetTargetBitrate(est.GetTargetBitrate())
		w.setTarget(est.GetTargetBitrate())
	}
	go s.readRTCP(vtr.Sender(), true)
	go s.readRTCP(atr.Sender(), false)

	s.connectedAt = w.clk.Now()
	s.connectTook = s.connectedAt.Sub(start)
	ok = true
	return s, nil
}

// readRTCP drains a sender's RTCP (which also feeds the interceptors: NACK,
// TWCC, reports) and acts on what concerns us.
func (s *session) readRTCP(sender *webrtc.RTPSender, video bool) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		if !video {
			continue
		}
		for _, p := range pkts {
			switch p := p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				s.w.requestKeyframe(false)
			case *rtcp.ReceiverReport:
				for _, r := range p.Reports {
					if r.SSRC == s.videoSSRC || s.videoSSRC == 0 {
						s.w.noteReport(r)
					}
				}
			}
		}
	}
}

// clockOf is the capture clock of the session's stream ssrc (rtpsr.Lookup).
func (s *session) clockOf(ssrc uint32) rtpsr.Clock {
	switch ssrc {
	case s.clockSSRC[0].Load():
		return s.videoClock
	case s.clockSSRC[1].Load():
		return s.audioClock
	}
	return nil
}

// ntpCompact is now in the middle 32 bits of NTP time, the unit of LSR/DLSR.
// It uses the wall clock, not the injected one: the sender reports it is
// compared with are stamped by pion with the wall clock too.
func ntpCompact(t time.Time) uint32 {
	const ntpEpochOffset = 2208988800
	secs := uint64(t.Unix()) + ntpEpochOffset
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	return uint32((secs<<16)&0xffff0000) | uint32(frac>>16)
}

// rttFromReport computes the round trip from a receiver report's LSR/DLSR
// (RFC 3550 §6.4.1), or 0 when the report does not allow it.
func rttFromReport(r rtcp.ReceptionReport, now time.Time) time.Duration {
	if r.LastSenderReport == 0 {
		return 0
	}
	a := ntpCompact(now)
	rtt := a - r.LastSenderReport - r.Delay
	if rtt > 1<<31 { // negative: clocks or report out of order
		return 0
	}
	return time.Duration(uint64(rtt) * uint64(time.Second) >> 16)
}

// writeVideo packetizes one access unit with the timestamp from its PTS.
func (s *session) writeVideo(p encode.Packet) error {
	ts := s.videoBase + uint32(p.PTS*90000/time.Second)
	s.videoClock.Note(ts, p.CaptureTime)
	return writePackets(s.video, s.videoPack.Packetize(p.Data, 0), ts)
}

func (s *session) writeAudio(p encode.Packet) error {
	ts := s.audioBase + uint32(p.PTS*48000/time.Second)
	s.audioClock.Note(ts, p.CaptureTime)
	return writePackets(s.audio, s.audioPack.Packetize(p.Data, 0), ts)
}

func writePackets(t *webrtc.TrackLocalStaticRTP, pkts []*rtp.Packet, ts uint32) error {
	for _, pkt := range pkts {
		pkt.Timestamp = ts
		if err := t.WriteRTP(pkt); err != nil {
			return err
		}
	}
	return nil
}

func (s *session) close() {
	s.closing.Store(true)
	_ = s.pc.Close()
}

// post sends the offer and returns the answer, the absolute resource URL
// and the ICE servers of the Link headers.
func (w *WHIP) post(ctx context.Context, offer string) (answer, resource string, ice []webrtc.ICEServer, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL, bytes.NewReader([]byte(offer)))
	if err != nil {
		return "", "", nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	req.Header.Set("Content-Type", "application/sdp")
	req.Header.Set("Accept", "application/sdp")
	if w.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+w.cfg.Token)
	}
	resp, err := w.http.Do(req)
	if err != nil {
		return "", "", nil, w.transportError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", "", nil, fmt.Errorf("read the WHIP answer from %s: %w", w.cfg.URL, err)
	}
	if resp.StatusCode != http.StatusCreated {
		return "", "", nil, statusError(w.cfg.URL, resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "", "", nil, fmt.Errorf("POST %s: %w", w.cfg.URL, ErrNoLocation)
	}
	// Relative to the URL the answer came from, after any redirect.
	locURL, err := resp.Request.URL.Parse(loc)
	if err != nil {
		return "", "", nil, fmt.Errorf("POST %s: %w: bad Location %q", w.cfg.URL, ErrNoLocation, loc)
	}
	if !strings.Contains(string(body), "m=video") {
		w.deleteResourceURL(locURL.String())
		return "", "", nil, fmt.Errorf("POST %s: %w: no video in it", w.cfg.URL, ErrBadAnswer)
	}
	return string(body), locURL.String(), parseICEServers(resp.Header.Values("Link")), nil
}

// statusError turns a refusal into the error the operator can act on.
func statusError(u string, code int, body []byte) error {
	var base error
	switch {
	case code == http.StatusUnauthorized:
		base = ErrUnauthorized
	case code == http.StatusForbidden:
		base = ErrForbidden
	case code == http.StatusNotFound:
		base = ErrNotFound
	case code >= 500:
		base = ErrServer
	default:
		base = ErrRejected
	}
	detail := strings.Join(strings.Fields(string(body)), " ")
	if len(detail) > 160 {
		detail = detail[:160] + "…"
	}
	if detail != "" {
		return fmt.Errorf("POST %s: %w (HTTP %d: %s)", u, base, code, detail)
	}
	return fmt.Errorf("POST %s: %w (HTTP %d)", u, base, code)
}

func (w *WHIP) transportError(err error) error {
	var op *net.OpError
	var dns *net.DNSError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded) && !isTimeout(err):
		return err
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("POST %s: %w (connection refused)", w.cfg.URL, ErrUnreachable)
	case errors.As(err, &dns):
		return fmt.Errorf("POST %s: %w (cannot resolve %s)", w.cfg.URL, ErrUnreachable, dns.Name)
	case isTimeout(err):
		return fmt.Errorf("POST %s: %w (no answer in time)", w.cfg.URL, ErrUnreachable)
	case errors.As(err, &op):
		return fmt.Errorf("POST %s: %w (%v)", w.cfg.URL, ErrUnreachable, op.Err)
	default:
		return fmt.Errorf("POST %s: %w (%v)", w.cfg.URL, ErrUnreachable, err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// deleteResource ends a session at the server, best effort: a server that is
// gone cannot be told, and its sessions time out on their own.
func (w *WHIP) deleteResource(resource string) {
	if err := w.deleteResourceURL(resource); err != nil {
		w.logf("publish: %v", err)
	}
}

func (w *WHIP) deleteResourceURL(resource string) error {
	if resource == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.cfg.DeleteTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, resource, nil)
	if err != nil {
		return fmt.Errorf("DELETE %s: %w: %v", resource, ErrDelete, err)
	}
	if w.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+w.cfg.Token)
	}
	resp, err := w.http.Do(req)
	if err != nil {
		return fmt.Errorf("DELETE %s: %w: %v", resource, ErrDelete, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("DELETE %s: %w (HTTP %d)", resource, ErrDelete, resp.StatusCode)
	}
	return nil
}
