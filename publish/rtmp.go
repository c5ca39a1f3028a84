package publish

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"

	"showcaster/encode"
	"showcaster/internal/clock"
)

// Defaults for RTMPConfig.
const (
	DefaultRTMPWriteTimeout = 2 * time.Second
	// DefaultRTMPMaxReconnectDelay is lower than WHIP's: an RTMP ingest
	// that comes back should carry the show again within seconds.
	DefaultRTMPMaxReconnectDelay = 3 * time.Second
	DefaultRTMPConnectTimeout    = 10 * time.Second
)

// RTMPConfig configures an RTMP(S) output. Zero values take the defaults.
type RTMPConfig struct {
	Target RTMPTarget // from ParseRTMPTarget

	// AudioChannels of the AAC stream (1 or 2, default 2).
	AudioChannels int
	// TLSConfig for rtmps:// (default: system roots, server name from the URL).
	TLSConfig *tls.Config

	// Clock paces stats and reconnect backoff, and dates key expiry.
	Clock clock.Clock
	// OnKeyframeRequest is called when the output needs an IDR to start a
	// session or to recover after dropping video; it must not block.
	OnKeyframeRequest func()
	// OnEvent reports state changes and reconnect attempts; it must not block.
	OnEvent func(Event)
	// Logf receives diagnostics (never the key; default: discarded).
	Logf func(format string, args ...any)

	// ReconnectDelay is the first backoff (default 0.5 s), doubling up to
	// MaxReconnectDelay (default 3 s), ±20 % jitter.
	ReconnectDelay, MaxReconnectDelay time.Duration
	// ConnectTimeout bounds one attempt: TCP, TLS, RTMP handshake, publish (default 10 s).
	ConnectTimeout time.Duration
	// WriteTimeout is how long one write may wait on a server that does not
	// take data before the session is given up (default 2 s).
	WriteTimeout time.Duration
	// Queue is how many packets may wait for the writer (default 128).
	Queue int
}

func (c RTMPConfig) withDefaults() RTMPConfig {
	if c.AudioChannels == 0 {
		c.AudioChannels = 2
	}
	c.Clock = clock.OrReal(c.Clock)
	if c.ReconnectDelay == 0 {
		c.ReconnectDelay = DefaultReconnectDelay
	}
	if c.MaxReconnectDelay == 0 {
		c.MaxReconnectDelay = DefaultRTMPMaxReconnectDelay
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = DefaultRTMPConnectTimeout
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultRTMPWriteTimeout
	}
	if c.Queue == 0 {
		c.Queue = DefaultQueue
	}
	return c
}

// RTMP publishes H.264 + AAC-LC to an RTMP or RTMPS server (FLV tags over
// RTMP chunks, through gortmplib). One goroutine owns the connection, since
// the library is not safe for concurrent use: it writes, reconnects and
// keeps the stats. A refused key stops the output for good; a lost
// connection is retried with backoff.
type RTMP struct {
	cfg RTMPConfig
	clk clock.Clock

	queue chan queued
	stop  chan struct{}
	done  chan struct{}

	mu         sync.Mutex
	state      State
	live       bool
	started    bool
	closed     bool
	rates      rateWindow
	stopReason StopReason
	stopErr    error

	framesSent, audioSent                atomic.Uint64
	dropQueue, dropNotLive, dropAwaitKey atomic.Uint64
	audioDropped, bytes                  atomic.Uint64
	attempts                             atomic.Int64
	connectTook                          atomic.Int64
	liveSince                            atomic.Value // time.Time
	needKeyframe                         atomic.Bool
}

// NewRTMP makes an RTMP output; nothing happens on the network until Start.
func NewRTMP(cfg RTMPConfig) *RTMP {
	cfg = cfg.withDefaults()
	return &RTMP{
		cfg:   cfg,
		clk:   cfg.Clock,
		queue: make(chan queued, cfg.Queue),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
}

// Name identifies the output: the server and application, never the key.
func (r *RTMP) Name() string { return "rtmp " + r.cfg.Target.String() }

// Start connects and publishes for the first time. It returns the reason
// it cannot (expired or refused key, nothing at the address) so a headless
// run can report it; after it, a lost connection is retried until Close.
func (r *RTMP) Start(ctx context.Context) error {
	r.mu.Lock()
	if r.started || r.closed {
		r.mu.Unlock()
		return ErrStarted
	}
	r.started = true
	r.mu.Unlock()
	if r.cfg.Target.Server == nil || r.cfg.Target.Key == "" {
		err := ErrRTMPNoKey
		r.stopWith(StopFailed, err)
		close(r.done)
		return err
	}
	if err := r.cfg.Target.CheckExpiry(r.clk.Now()); err != nil {
		err = fmt.Errorf("%s: %w", r.cfg.Target, err)
		r.stopWith(StopFailed, err)
		close(r.done)
		return err
	}
	r.setState(StateConnecting)
	s, err := r.connect(ctx)
	if err != nil {
		reason := StopFailed
		if errors.Is(err, ErrRTMPRefused) {
			reason = StopRefused
		}
		r.stopWith(reason, err)
		close(r.done)
		return err
	}
	r.goLive(s)
	go r.run(s)
	return nil
}

// rtmpSession is one connection, owned by the run goroutine.
type rtmpSession struct {
	client   *gortmplib.Client
	conn     *watchConn
	w        *gortmplib.Writer
	video    *gortmplib.Track
	audio    *gortmplib.Track
	sps      []byte
	base     time.Duration // PTS of the first keyframe: the session's time zero
	started  bool          // the first keyframe went out
	awaitKey bool          // P-frames are useless until the next IDR
	lost     chan struct{} // closed by the reader when the server ends the connection
}

func (s *rtmpSession) close() { s.client.Close() }

// watchConn notes whether the publish command went out, so a server that
// hangs up in answer to it is told apart from a network failure, and turns
// everything the server sends after publishing into liveness signals.
type watchConn struct {
	net.Conn
	publishSent atomic.Bool
}

// amfPublish is the AMF0 string "publish" as the publish command carries it.
var amfPublish = []byte("\x02\x00\x07publish")

func (c *watchConn) Write(p []byte) (int, error) {
	if !c.publishSent.Load() && bytes.Contains(p, amfPublish) {
		c.publishSent.Store(true)
	}
	return c.Conn.Write(p)
}

// connect dials, shakes hands and publishes; the error says whether to retry.
func (r *RTMP) connect(ctx context.Context) (*rtmpSession, error) {
	start := r.clk.Now()
	ctx, cancel := context.WithTimeout(ctx, r.cfg.ConnectTimeout)
	defer cancel()
	go func() {
		select {
		case <-r.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	t := r.cfg.Target
	var wc *watchConn
	dialer := &net.Dialer{Control: tcpControl(r.cfg.WriteTimeout)}
	c := &gortmplib.Client{URL: t.url(), Publish: true}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if t.Server.Scheme == "rtmps" {
			cfg := &tls.Config{}
			if r.cfg.TLSConfig != nil {
				cfg = r.cfg.TLSConfig.Clone()
			}
			if cfg.ServerName == "" {
				cfg.ServerName = t.Server.Hostname()
			}
			tc := tls.Client(nc, cfg)
			if err := tc.HandshakeContext(ctx); err != nil {
				nc.Close()
				return nil, tlsError{err}
			}
			nc = tc
		}
		wc = &watchConn{Conn: nc}
		return wc, nil
	}
	c.DialTLSContext = dial
	err := c.Initialize(ctx)
	if err != nil {
		return nil, r.classify(err, wc, ctx)
	}
	r.connectTook.Store(int64(r.clk.Now().Sub(start)))
	s := &rtmpSession{client: c, conn: wc, lost: make(chan struct{})}
	// The server has nothing to say to a publisher that matters here, but
	// it hangs up when it goes away: reading is how a closed or reset
	// connection is seen at once. The bytes are not parsed (gortmplib's
	// reader answers pings by writing, which would race the writer).
	go func() {
		_, _ = io.Copy(io.Discard, wc.Conn)
		close(s.lost)
	}()
	return s, nil
}

// classify turns a library or network error into one of ours, without
// the stream key in it.
func (r *RTMP) classify(err error, wc *watchConn, ctx context.Context) error {
	where := r.cfg.Target.String()
	msg := err.Error()
	for _, code := range []string{"NetStream.Publish.BadName", "NetStream.Publish.Unauthorized",
		"NetStream.Publish.Rejected", "NetStream.Publish.BadAuth", "NetConnection.Connect.Rejected"} {
		if strings.Contains(msg, code) {
			return fmt.Errorf("%s: %w (%s)", where, ErrRTMPRefused, code)
		}
	}
	var te tlsError
	switch {
	case errors.As(err, &te):
		return fmt.Errorf("%s: %w (%s)", where, ErrRTMPTLS, r.redact(te.err.Error()))
	case wc == nil:
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w (no answer in %v)", where, ErrRTMPUnreachable, r.cfg.ConnectTimeout)
		}
		return fmt.Errorf("%s: %w (%s)", where, ErrRTMPUnreachable, r.redact(msg))
	case strings.Contains(msg, "bad result") || strings.Contains(msg, "credentials") || strings.Contains(msg, "authentication"):
		return fmt.Errorf("%s: %w", where, ErrRTMPRefused)
	case wc.publishSent.Load() && ctx.Err() == nil:
		// The server took the connection and hung up when asked to publish
		// this key: that is how nginx-rtmp and most CDNs refuse one.
		return fmt.Errorf("%s: %w (the server closed the connection when asked to publish)", where, ErrRTMPRefused)
	default:
		return fmt.Errorf("%s: %w (%s)", where, ErrRTMPHandshake, r.redact(msg))
	}
}

// tlsError marks a failed TLS handshake with an rtmps:// server.
type tlsError struct{ err error }

func (e tlsError) Error() string { return "TLS: " + e.err.Error() }
func (e tlsError) Unwrap() error { return e.err }

// redact removes the key, and its name part, from a message.
func (r *RTMP) redact(msg string) string {
	k := r.cfg.Target.Key
	if k == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, k, "***")
	if i := strings.IndexByte(k, '?'); i > 0 {
		msg = strings.ReplaceAll(msg, k[:i], "***")
	}
	return msg
}

func (r *RTMP) goLive(s *rtmpSession) {
	r.liveSince.Store(r.clk.Now())
	r.needKeyframe.Store(true)
	r.mu.Lock()
	r.live = true
	r.mu.Unlock()
	r.setState(StateLive)
	r.requestKeyframe()
}

// run is the one goroutine that touches the connection after Start.
func (r *RTMP) run(s *rtmpSession) {
	defer close(r.done)
	ticker := r.clk.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		var err error
		select {
		case <-r.stop:
			s.close()
			return
		case now := <-ticker.C():
			r.tick(now)
			continue
		case <-s.lost:
			err = ErrRTMPLost
		case q := <-r.queue:
			err = r.write(s, q)
		}
		if err == nil {
			continue
		}
		r.logf("publish: rtmp %s: session lost: %v", r.cfg.Target, err)
		s.close()
		r.mu.Lock()
		r.live = false
		r.mu.Unlock()
		r.setState(StateReconnecting)
		s = r.reconnect(err, ticker)
		if s == nil {
			return
		}
		r.goLive(s)
	}
}

// write sends one packet; an error means the session is gone.
func (r *RTMP) write(s *rtmpSession, q queued) error {
	p := q.pkt
	if !q.video {
		if !s.started || p.PTS < s.base {
			r.audioDropped.Add(1)
			return nil
		}
		if err := r.deadline(s); err != nil {
			return err
		}
		if err := s.w.WriteMPEG4Audio(s.audio, p.PTS-s.base, p.Data); err != nil {
			r.audioDropped.Add(1)
			return r.writeErr(err)
		}
		r.audioSent.Add(1)
		r.bytes.Add(uint64(len(p.Data)))
		return nil
	}
	if r.needKeyframe.Swap(false) {
		s.awaitKey = true
	}
	if s.awaitKey && !p.Keyframe {
		r.dropAwaitKey.Add(1)
		r.requestKeyframe()
		return nil
	}
	if p.Keyframe {
		sps, pps := encode.ParameterSets(p.Data)
		if sps == nil || pps == nil {
			r.dropAwaitKey.Add(1)
			r.requestKeyframe()
			return nil
		}
		if s.w == nil || !bytes.Equal(sps, s.sps) {
			// First picture, or a new canvas size: (re)announce the tracks
			// with their sequence headers.
			if err := r.deadline(s); err != nil {
				return err
			}
			if err := r.announce(s, sps, pps); err != nil {
				return r.writeErr(err)
			}
		}
		if !s.started {
			s.started = true
			s.base = p.PTS
		}
	}
	if p.PTS < s.base {
		r.dropAwaitKey.Add(1)
		return nil
	}
	if err := r.deadline(s); err != nil {
		return err
	}
	ts := p.PTS - s.base
	if err := s.w.WriteH264(s.video, ts, ts, encode.SplitAnnexB(p.Data)); err != nil {
		r.dropNotLive.Add(1)
		return r.writeErr(err)
	}
	s.awaitKey = false
	r.framesSent.Add(1)
	r.bytes.Add(uint64(len(p.Data)))
	return nil
}

// announce writes the stream's metadata and sequence headers (AVC decoder
// configuration, AudioSpecificConfig), as a new session or a new SPS needs.
func (r *RTMP) announce(s *rtmpSession, sps, pps []byte) error {
	s.video = &gortmplib.Track{Codec: &codecs.H264{SPS: append([]byte(nil), sps...), PPS: append([]byte(nil), pps...)}}
	s.audio = &gortmplib.Track{Codec: &codecs.MPEG4Audio{Config: &mpeg4audio.AudioSpecificConfig{
		Type:          mpeg4audio.ObjectTypeAACLC,
		SampleRate:    48000,
		ChannelConfig: uint8(r.cfg.AudioChannels),
		ChannelCount:  r.cfg.AudioChannels,
	}}}
	s.w = &gortmplib.Writer{Conn: s.client, Tracks: []*gortmplib.Track{s.video, s.audio}}
	if err := s.w.Initialize(); err != nil {
		return err
	}
	s.sps = s.video.Codec.(*codecs.H264).SPS
	return nil
}

// deadline bounds the next write. Socket deadlines are wall-clock times the
// kernel checks, so this is the one place the output reads the real time.
func (r *RTMP) deadline(s *rtmpSession) error {
	select {
	case <-s.lost:
		return ErrRTMPLost
	default:
	}
	return s.conn.SetWriteDeadline(time.Now().Add(r.cfg.WriteTimeout)) // wall clock: socket deadlines are absolute real times
}

func (r *RTMP) writeErr(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ErrRTMPStalled
	}
	return fmt.Errorf("%w: %s", ErrRTMPLost, r.redact(err.Error()))
}

// reconnect retries with backoff and jitter until a session publishes, the
// key is refused (the output stops) or the output is closed (nil).
func (r *RTMP) reconnect(cause error, ticker clock.Ticker) *rtmpSession {
	delay := r.cfg.ReconnectDelay
	for attempt := 1; ; attempt++ {
		r.attempts.Add(1)
		d := jitter(delay)
		wait := r.clk.After(d)
		r.emit(Event{Kind: EventReconnectScheduled, Attempt: attempt, Delay: d, Err: cause})
	waiting:
		for {
			select {
			case <-r.stop:
				return nil
			case now := <-ticker.C():
				r.tick(now)
			case q := <-r.queue:
				r.dropQueued(q)
			case <-wait:
				break waiting
			}
		}
		if err := r.cfg.Target.CheckExpiry(r.clk.Now()); err != nil {
			r.stopWith(StopFailed, fmt.Errorf("%s: %w", r.cfg.Target, err))
			return nil
		}
		s, err := r.connect(context.Background())
		if err == nil {
			return s
		}
		r.emit(Event{Kind: EventReconnectFailed, Attempt: attempt, Err: err})
		r.logf("publish: rtmp reconnect attempt %d failed: %v", attempt, err)
		if errors.Is(err, ErrRTMPRefused) {
			r.stopWith(StopRefused, err)
			return nil
		}
		cause = err
		delay = min(2*delay, r.cfg.MaxReconnectDelay)
	}
}

func (r *RTMP) dropQueued(q queued) {
	if q.video {
		r.dropNotLive.Add(1)
	} else {
		r.audioDropped.Add(1)
	}
}

// WriteVideo queues one H.264 access unit (Annex B); it never blocks.
func (r *RTMP) WriteVideo(p encode.Packet) {
	r.mu.Lock()
	live := r.live
	r.mu.Unlock()
	if !live {
		r.dropNotLive.Add(1)
		r.needKeyframe.Store(true)
		return
	}
	select {
	case r.queue <- queued{video: true, pkt: p}:
	default:
		r.dropQueue.Add(1)
		r.needKeyframe.Store(true)
		r.requestKeyframe()
	}
}

// WriteAudio queues one raw AAC-LC frame; it never blocks.
func (r *RTMP) WriteAudio(p encode.Packet) {
	r.mu.Lock()
	live := r.live
	r.mu.Unlock()
	if !live {
		r.audioDropped.Add(1)
		return
	}
	select {
	case r.queue <- queued{pkt: p}:
	default:
		r.audioDropped.Add(1)
	}
}

func (r *RTMP) requestKeyframe() {
	if r.cfg.OnKeyframeRequest != nil {
		r.cfg.OnKeyframeRequest()
	}
}

func (r *RTMP) tick(now time.Time) {
	frames, b := r.framesSent.Load(), r.bytes.Load()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rates.advance(now, frames, b)
}

// Stats returns the current counters with the rates of the last second.
func (r *RTMP) Stats() Stats {
	d := Drops{QueueFull: r.dropQueue.Load(), NotLive: r.dropNotLive.Load(), AwaitKeyframe: r.dropAwaitKey.Load()}
	st := Stats{
		FramesSent:        r.framesSent.Load(),
		FramesDropped:     d.QueueFull + d.NotLive + d.AwaitKeyframe,
		Drops:             d,
		AudioSent:         r.audioSent.Load(),
		AudioDropped:      r.audioDropped.Load(),
		Bytes:             r.bytes.Load(),
		ReconnectAttempts: int(r.attempts.Load()),
		ConnectTime:       time.Duration(r.connectTook.Load()),
	}
	if t, ok := r.liveSince.Load().(time.Time); ok {
		st.LiveSince = t
	}
	r.mu.Lock()
	st.State = r.state
	st.FPS, st.Kbps = r.rates.fps, r.rates.kbps
	st.StopReason, st.StopErr = r.stopReason, r.stopErr
	r.mu.Unlock()
	return st
}

// stopWith ends the output for good with a reason.
func (r *RTMP) stopWith(reason StopReason, err error) {
	r.mu.Lock()
	r.live = false
	if r.stopReason == StopNone {
		r.stopReason, r.stopErr = reason, err
	}
	r.mu.Unlock()
	if err != nil {
		r.logf("publish: rtmp %s stopped: %v", r.cfg.Target, err)
	}
	r.setState(StateStopped)
}

func (r *RTMP) setState(s State) {
	r.mu.Lock()
	if r.state == s {
		r.mu.Unlock()
		return
	}
	r.state = s
	if s != StateLive {
		r.rates = rateWindow{}
	}
	r.mu.Unlock()
	r.emit(Event{Kind: EventState, State: s})
}

func (r *RTMP) emit(e Event) {
	if r.cfg.OnEvent == nil {
		return
	}
	e.Time = r.clk.Now()
	r.cfg.OnEvent(e)
}

func (r *RTMP) logf(format string, args ...any) {
	if r.cfg.Logf != nil {
		r.cfg.Logf(format, args...)
	}
}

// Close stops publishing and closes the connection.
func (r *RTMP) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	started := r.started
	r.mu.Unlock()
	close(r.stop)
	if started {
		<-r.done
	}
	r.stopWith(StopClosed, nil)
	return nil
}
