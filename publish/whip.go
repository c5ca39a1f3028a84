package publish

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"

	"showcaster/encode"
	"showcaster/internal/clock"
)

// Defaults for WHIPConfig.
const (
	DefaultMinBitrate        = 300_000
	DefaultMaxBitrate        = encode.DefaultVideoBitrate
	DefaultReconnectDelay    = 500 * time.Millisecond
	DefaultMaxReconnectDelay = 30 * time.Second
	DefaultConnectTimeout    = 15 * time.Second
	DefaultDisconnectTimeout = 2 * time.Second
	DefaultQueue             = 128
	// DefaultH264ProfileLevelID is High 3.1, what the encoder's defaults
	// (veryfast, 720p30) produce. Pass encode.H264.ProfileLevelID instead.
	DefaultH264ProfileLevelID = "64001f"
)

// WHIPConfig configures a WHIP output. Zero values take the defaults.
type WHIPConfig struct {
	URL   string // the WHIP endpoint
	Token string // sent as "Authorization: Bearer"

	// Bitrates in bps for the video encoder, as the congestion controller
	// sees them. Start defaults to Max: the operator's chosen bitrate, from
	// which GCC backs off when the link cannot carry it.
	MinBitrate, MaxBitrate, StartBitrate int

	// H264ProfileLevelID goes into the SDP offer; it must describe the
	// stream (take it from encode.H264.ProfileLevelID).
	H264ProfileLevelID string
	// AudioChannels of the Opus stream (1 or 2, default 2), for sprop-stereo.
	AudioChannels int
	// StreamID is the MediaStream id of both tracks (default "showcaster").
	StreamID string

	// Clock paces stats, reconnect backoff and keyframe-request limits.
	Clock clock.Clock

	// OnKeyframeRequest is called when the server asks for a picture it can
	// decode (PLI/FIR), after a reconnect, and after this output dropped
	// video. Calls are at most one per KeyframeMinInterval. Wire it to
	// encode.H264.ForceKeyframe; it must not block.
	OnKeyframeRequest func()
	// OnTargetBitrate is called with the congestion controller's target,
	// clamped to [MinBitrate, MaxBitrate]. Wire it to
	// encode.H264.SetBitrate; it must not block.
	OnTargetBitrate func(bps int)
	// OnEvent reports state changes and reconnect attempts; it must not block.
	OnEvent func(Event)
	// Logf receives diagnostics (default: discarded).
	Logf func(format string, args ...any)

	// ReconnectDelay is the first backoff (default 0.5 s), doubling on each
	// failed attempt up to MaxReconnectDelay (default 30 s), ±20 % jitter so
	// a fleet of studios does not reconnect in lockstep after an outage.
	ReconnectDelay, MaxReconnectDelay time.Duration
	// ConnectTimeout bounds one attempt from POST to media flowing (default 15 s).
	ConnectTimeout time.Duration
	// DisconnectTimeout is how long the server may be silent before the
	// session is given up and a reconnect starts (default 2 s: a dead peer
	// is noticed within 2 s, as for RTMP).
	DisconnectTimeout time.Duration
	// DeleteTimeout bounds the DELETE that ends a session (default 3 s).
	DeleteTimeout time.Duration
	// KeyframeMinInterval limits keyframe requests (default 500 ms): each
	// IDR costs several P-frames' worth of bits.
	KeyframeMinInterval time.Duration
	// Queue is how many packets may wait for the sender (default 128, about
	// a second of 30 fps video with its audio).
	Queue int

	// LoopbackOnly gathers only loopback candidates: for tests and for the
	// embedded local platform. Never set it for a real server.
	LoopbackOnly bool
	// HTTPClient sends the WHIP requests (default: a client with a 10 s timeout).
	HTTPClient *http.Client
}

func (c WHIPConfig) withDefaults() WHIPConfig {
	if c.MaxBitrate == 0 {
		c.MaxBitrate = DefaultMaxBitrate
	}
	if c.MinBitrate == 0 {
		c.MinBitrate = min(DefaultMinBitrate, c.MaxBitrate)
	}
	if c.StartBitrate == 0 {
		c.StartBitrate = c.MaxBitrate
	}
	c.StartBitrate = max(c.MinBitrate, min(c.StartBitrate, c.MaxBitrate))
	if c.H264ProfileLevelID == "" {
		c.H264ProfileLevelID = DefaultH264ProfileLevelID
	}
	if c.AudioChannels == 0 {
		c.AudioChannels = 2
	}
	if c.StreamID == "" {
		c.StreamID = "showcaster"
	}
	c.Clock = clock.OrReal(c.Clock)
	if c.ReconnectDelay == 0 {
		c.ReconnectDelay = DefaultReconnectDelay
	}
	if c.MaxReconnectDelay == 0 {
		c.MaxReconnectDelay = DefaultMaxReconnectDelay
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.DisconnectTimeout == 0 {
		c.DisconnectTimeout = DefaultDisconnectTimeout
	}
	if c.DeleteTimeout == 0 {
		c.DeleteTimeout = 3 * time.Second
	}
	if c.KeyframeMinInterval == 0 {
		c.KeyframeMinInterval = 500 * time.Millisecond
	}
	if c.Queue == 0 {
		c.Queue = DefaultQueue
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return c
}

// WHIP publishes to a WHIP server (RFC 9725) over WebRTC and keeps
// publishing across network failures by reconnecting with a new session.
type WHIP struct {
	cfg  WHIPConfig
	clk  clock.Clock
	http *http.Client

	queue chan queued
	stop  chan struct{} // closed by Close
	done  chan struct{} // closed when the run loop has ended

	mu         sync.Mutex
	state      State
	sess       *session // nil while not live
	started    bool
	closed     bool
	iceServers []webrtc.ICEServer
	lastKeyReq time.Time
	rtt        time.Duration
	loss       float64
	rates      rateWindow
	stopReason StopReason
	stopErr    error

	// Counters, written from writers, the sender and pion's goroutines.
	framesSent, audioSent                atomic.Uint64
	dropQueue, dropNotLive, dropAwaitKey atomic.Uint64
	audioDropped, bytes                  atomic.Uint64
	target                               atomic.Int64
	attempts                             atomic.Int64
	needKeyframe                         atomic.Bool // a video frame was dropped before the sender saw it
	connectTook                          atomic.Int64
	liveSince                            atomic.Value // time.Time
}

type queued struct {
	video bool
	pkt   encode.Packet
}

// rateWindow turns counters into per-second rates at each stats tick.
type rateWindow struct {
	at        time.Time
	frames    uint64
	bytes     uint64
	fps, kbps float64
}

// advance turns the counters now into the rates since the last tick.
func (r *rateWindow) advance(now time.Time, frames, bytes uint64) {
	if !r.at.IsZero() {
		if dt := now.Sub(r.at).Seconds(); dt > 0 {
			r.fps = float64(frames-r.frames) / dt
			r.kbps = float64(bytes-r.bytes) * 8 / 1000 / dt
		}
	}
	r.at, r.frames, r.bytes = now, frames, bytes
}

// NewWHIP makes a WHIP output; nothing happens on the network until Start.
func NewWHIP(cfg WHIPConfig) *WHIP {
	cfg = cfg.withDefaults()
	w := &WHIP{
		cfg:   cfg,
		clk:   cfg.Clock,
		http:  cfg.HTTPClient,
		queue: make(chan queued, cfg.Queue),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	w.target.Store(int64(cfg.StartBitrate))
	return w
}

// Name identifies the output in stats and logs.
func (w *WHIP) Name() string { return "whip " + redactURL(w.cfg.URL) }

// Start connects for the first time and returns once media can flow, or with
// the reason it cannot (bad token, wrong URL, server down, ICE blocked), so a
// headless run can exit with that reason instead of retrying forever. ctx
// bounds this first connection only; after it, failures reconnect in the
// background until Close.
func (w *WHIP) Start(ctx context.Context) error {
	w.mu.Lock()
	if w.started || w.closed {
		w.mu.Unlock()
		return ErrStarted
	}
	w.started = true
	w.mu.Unlock()
	if u, err := url.Parse(w.cfg.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		err := fmt.Errorf("%q: %w", redactURL(w.cfg.URL), ErrBadURL)
		w.stopWith(StopFailed, err)
		close(w.done)
		return err
	}

	w.setState(StateConnecting)
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-w.stop:
			cancel()
		case <-cctx.Done():
		}
	}()
	s, err := w.connect(cctx)
	cancel()
	if err != nil {
		w.stopWith(stopReasonOf(err), err)
		close(w.done)
		return err
	}
	w.goLive(s)
	go w.run(s)
	go w.send()
	return nil
}

// goLive installs a connected session.
func (w *WHIP) goLive(s *session) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		s.close()
		w.deleteResource(s.resource)
		return
	}
	w.sess = s
	w.mu.Unlock()
	w.connectTook.Store(int64(s.connectTook))
	w.liveSince.Store(s.connectedAt)
	w.setState(StateLive)
	// The new session's receiver has no picture yet.
	w.requestKeyframe(true)
}

// run watches the live session and replaces it when it is lost.
func (w *WHIP) run(s *session) {
	defer close(w.done)
	ticker := w.clk.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-w.stop:
			return
		case now := <-ticker.C():
			w.tick(now)
			continue
		case <-s.failed:
		}
		w.logf("publish: session lost: %v", s.err())
		w.mu.Lock()
		w.sess = nil
		w.mu.Unlock()
		w.setState(StateReconnecting)
		s.close()
		// The server may still hold the old session (a network cut rather
		// than a server restart): end it, so viewers do not see two.
		go w.deleteResource(s.resource)

		next := w.reconnect(s.err(), ticker)
		if next == nil {
			return
		}
		s = next
		w.goLive(s)
	}
}

// reconnect retries with exponential backoff and jitter until a session
// connects or the output is closed (then it returns nil).
func (w *WHIP) reconnect(cause error, ticker clock.Ticker) *session {
	delay := w.cfg.ReconnectDelay
	for attempt := 1; ; attempt++ {
		w.attempts.Add(1)
		d := jitter(delay)
		// The timer exists before the event is out, so a test that advances
		// a fake clock on the event cannot miss it.
		wait := w.clk.After(d)
		w.emit(Event{Kind: EventReconnectScheduled, Attempt: attempt, Delay: d, Err: cause})
		w.logf("publish: reconnect attempt %d in %v: %v", attempt, d, cause)
	waiting:
		for {
			select {
			case <-w.stop:
				return nil
			case now := <-ticker.C():
				w.tick(now)
			case <-wait:
				break waiting
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-w.stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		s, err := w.connect(ctx)
		cancel()
		if err == nil {
			return s
		}
		w.emit(Event{Kind: EventReconnectFailed, Attempt: attempt, Err: err})
		w.logf("publish: reconnect attempt %d failed: %v", attempt, err)
		if stopReasonOf(err) == StopRefused {
			// A refused token stays refused: stop, and say why.
			w.stopWith(StopRefused, err)
			return nil
		}
		cause = err
		delay = min(2*delay, w.cfg.MaxReconnectDelay)
	}
}

// jitter spreads d by ±20 %.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// WriteVideo queues one H.264 access unit; it never blocks.
func (w *WHIP) WriteVideo(p encode.Packet) {
	w.mu.Lock()
	live := w.sess != nil
	w.mu.Unlock()
	if !live {
		w.dropNotLive.Add(1)
		w.needKeyframe.Store(true)
		return
	}
	select {
	case w.queue <- queued{video: true, pkt: p}:
	default:
		w.dropQueue.Add(1)
		w.needKeyframe.Store(true)
		w.requestKeyframe(false)
	}
}

// WriteAudio queues one Opus packet; it never blocks.
func (w *WHIP) WriteAudio(p encode.Packet) {
	w.mu.Lock()
	live := w.sess != nil
	w.mu.Unlock()
	if !live {
		w.audioDropped.Add(1)
		return
	}
	select {
	case w.queue <- queued{pkt: p}:
	default:
		w.audioDropped.Add(1)
	}
}

// send moves queued packets onto the live session's tracks.
func (w *WHIP) send() {
	for {
		var q queued
		select {
		case <-w.stop:
			return
		case q = <-w.queue:
		}
		w.mu.Lock()
		s := w.sess
		w.mu.Unlock()
		if s == nil {
			if q.video {
				w.dropNotLive.Add(1)
			} else {
				w.audioDropped.Add(1)
			}
			continue
		}
		if !q.video {
			if err := s.writeAudio(q.pkt); err != nil {
				w.audioDropped.Add(1)
				continue
			}
			w.audioSent.Add(1)
			w.bytes.Add(uint64(len(q.pkt.Data)))
			continue
		}
		if w.needKeyframe.Swap(false) {
			s.awaitKeyframe = true
		}
		if s.awaitKeyframe && !q.pkt.Keyframe {
			w.dropAwaitKey.Add(1)
			w.requestKeyframe(false)
			continue
		}
		if err := s.writeVideo(q.pkt); err != nil {
			w.dropNotLive.Add(1)
			s.awaitKeyframe = true
			continue
		}
		s.awaitKeyframe = false
		w.framesSent.Add(1)
		w.bytes.Add(uint64(len(q.pkt.Data)))
	}
}

// requestKeyframe asks the encoder for an IDR, at most once per
// KeyframeMinInterval: an IDR asked for less than that ago is still on its
// way and serves a PLI too, while a burst of PLIs (viewers joining a relay)
// would otherwise turn every frame into an IDR. A new session forces one.
func (w *WHIP) requestKeyframe(force bool) {
	if w.cfg.OnKeyframeRequest == nil {
		return
	}
	now := w.clk.Now()
	w.mu.Lock()
	if !force && !w.lastKeyReq.IsZero() && now.Sub(w.lastKeyReq) < w.cfg.KeyframeMinInterval {
		w.mu.Unlock()
		return
	}
	w.lastKeyReq = now
	w.mu.Unlock()
	w.cfg.OnKeyframeRequest()
}

func (w *WHIP) setTarget(bps int) {
	bps = max(w.cfg.MinBitrate, min(bps, w.cfg.MaxBitrate))
	if w.target.Swap(int64(bps)) == int64(bps) {
		return
	}
	if w.cfg.OnTargetBitrate != nil {
		w.cfg.OnTargetBitrate(bps)
	}
}

func (w *WHIP) noteReport(r rtcp.ReceptionReport) {
	// Wall clock: the report echoes the NTP time pion stamped on our sender
	// report, so the round trip is measured against real time.
	rtt := rttFromReport(r, time.Now())
	w.mu.Lock()
	if rtt > 0 {
		w.rtt = rtt
	}
	w.loss = float64(r.FractionLost) / 256
	w.mu.Unlock()
}

// tick updates the per-second rates.
func (w *WHIP) tick(now time.Time) {
	frames, bytes := w.framesSent.Load(), w.bytes.Load()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rates.advance(now, frames, bytes)
}

// Stats returns the current counters with the rates of the last second.
func (w *WHIP) Stats() Stats {
	d := Drops{QueueFull: w.dropQueue.Load(), NotLive: w.dropNotLive.Load(), AwaitKeyframe: w.dropAwaitKey.Load()}
	st := Stats{
		FramesSent:        w.framesSent.Load(),
		FramesDropped:     d.QueueFull + d.NotLive + d.AwaitKeyframe,
		Drops:             d,
		AudioSent:         w.audioSent.Load(),
		AudioDropped:      w.audioDropped.Load(),
		Bytes:             w.bytes.Load(),
		TargetBitrate:     int(w.target.Load()),
		ReconnectAttempts: int(w.attempts.Load()),
		ConnectTime:       time.Duration(w.connectTook.Load()),
	}
	if t, ok := w.liveSince.Load().(time.Time); ok {
		st.LiveSince = t
	}
	w.mu.Lock()
	st.State = w.state
	st.FPS, st.Kbps = w.rates.fps, w.rates.kbps
	st.RTT, st.Loss = w.rtt, w.loss
	st.StopReason, st.StopErr = w.stopReason, w.stopErr
	w.mu.Unlock()
	return st
}

func (w *WHIP) setState(s State) {
	w.mu.Lock()
	if w.state == s {
		w.mu.Unlock()
		return
	}
	w.state = s
	if s != StateLive {
		w.rates = rateWindow{}
	}
	w.mu.Unlock()
	w.emit(Event{Kind: EventState, State: s})
}

func (w *WHIP) emit(e Event) {
	if w.cfg.OnEvent == nil {
		return
	}
	e.Time = w.clk.Now()
	w.cfg.OnEvent(e)
}

func (w *WHIP) logf(format string, args ...any) {
	if w.cfg.Logf != nil {
		w.cfg.Logf(format, args...)
	}
}

// Close stops publishing: it ends the session at the server with DELETE and
// closes the peer connection. The error reports a DELETE the server did not
// confirm; the output is stopped either way.
func (w *WHIP) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	started := w.started
	w.mu.Unlock()
	close(w.stop)
	if !started {
		w.stopWith(StopClosed, nil)
		return nil
	}
	<-w.done
	w.mu.Lock()
	s := w.sess
	w.sess = nil
	w.mu.Unlock()
	var err error
	if s != nil {
		// DELETE first: a server that sees the DTLS close before it might
		// log the end of the show as a network failure.
		err = w.deleteResourceURL(s.resource)
		s.close()
	}
	w.stopWith(StopClosed, nil)
	return err
}

// stopWith records why the output stopped (the first reason wins) and
// moves it to StateStopped.
func (w *WHIP) stopWith(reason StopReason, err error) {
	w.mu.Lock()
	if w.stopReason == StopNone {
		w.stopReason, w.stopErr = reason, err
	}
	w.mu.Unlock()
	w.setState(StateStopped)
}

// stopReasonOf tells a refused token from other failures.
func stopReasonOf(err error) StopReason {
	if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) {
		return StopRefused
	}
	return StopFailed
}

// redactURL drops credentials and query (where tokens sometimes travel) from
// a URL before it is shown.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}
