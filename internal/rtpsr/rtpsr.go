// Package rtpsr sends RTCP sender reports whose RTP time follows the media's
// capture clock, for the studio's WHIP session and the platform's relay.
//
// A receiver keeps sound and picture in step (lip sync) by mapping each
// stream's RTP timestamps to one wall clock through the sender reports. A
// report says "RTP time R is now": pion's generator takes R from the moment
// the last frame left, so every stream's mapping carries its own path from
// capture to sending (the sound's mixing and packet length, the picture's
// encoding and pacing), and a report taken just after a keyframe carries the
// pacer's wait too. Lip sync then aligns sending times, not capture times,
// and the error moves from report to report.
//
// Here a stream may have a Clock: the RTP time of the media captured at a
// given instant. The report then says "RTP time R is now" with R the media
// being captured now, the same line for sound and picture, as a browser's
// sender reports do. Without a Clock (or before it knows), the report falls
// back to the last frame's sending time, as pion's does.
package rtpsr

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// Clock gives the RTP timestamp of the media captured at now; false while
// it does not know.
type Clock interface {
	RTPAt(now time.Time) (uint32, bool)
}

// Lookup finds the Clock of an outgoing stream by its SSRC; nil when the
// stream has none. It is asked at every report, so a stream may gain its
// Clock after it was bound.
type Lookup func(ssrc uint32) Clock

// Interval between reports; the first goes out soon after the first packet,
// so a new viewer's lip sync starts within a moment.
const (
	Interval = time.Second
	first    = 200 * time.Millisecond
)

// Factory builds one interceptor per peer connection.
type Factory struct {
	Lookup Lookup
}

// NewInterceptor implements interceptor.Factory.
func (f Factory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &reporter{lookup: f.Lookup, streams: map[uint32]*stream{}, done: make(chan struct{})}, nil
}

type reporter struct {
	interceptor.NoOp
	lookup Lookup

	mu      sync.Mutex
	streams map[uint32]*stream
	closed  bool
	done    chan struct{}
	wg      sync.WaitGroup
}

type stream struct {
	mu        sync.Mutex
	ssrc      uint32
	clockRate float64
	sent      bool
	packets   uint32
	octets    uint32
	lastTS    uint32
	lastAt    time.Time // wall clock: when the last frame's first packet left
}

func (r *reporter) BindRTCPWriter(w interceptor.RTCPWriter) interceptor.RTCPWriter {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.wg.Add(1)
		go r.loop(w)
	}
	return w
}

func (r *reporter) BindLocalStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	s := &stream{ssrc: info.SSRC, clockRate: float64(info.ClockRate)}
	r.mu.Lock()
	r.streams[info.SSRC] = s
	r.mu.Unlock()
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
		s.note(h, len(payload))
		return w.Write(h, payload, a)
	})
}

func (r *reporter) UnbindLocalStream(info *interceptor.StreamInfo) {
	r.mu.Lock()
	delete(r.streams, info.SSRC)
	r.mu.Unlock()
}

func (r *reporter) Close() error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.done)
	}
	r.mu.Unlock()
	r.wg.Wait()
	return nil
}

func (s *stream) note(h *rtp.Header, n int) {
	now := time.Now() // wall clock: reports describe real packets
	s.mu.Lock()
	if !s.sent || h.Timestamp != s.lastTS {
		s.lastTS, s.lastAt = h.Timestamp, now
	}
	s.sent = true
	s.packets++
	s.octets += uint32(n)
	s.mu.Unlock()
}

// report is the stream's sender report at now; false before its first packet.
func (s *stream) report(now time.Time, c Clock) (*rtcp.SenderReport, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.sent {
		return nil, false
	}
	ts, ok := uint32(0), false
	if c != nil {
		ts, ok = c.RTPAt(now)
	}
	if !ok {
		ts = s.lastTS + uint32(now.Sub(s.lastAt).Seconds()*s.clockRate)
	}
	return &rtcp.SenderReport{SSRC: s.ssrc, NTPTime: ToNTP(now), RTPTime: ts, PacketCount: s.packets, OctetCount: s.octets}, true
}

func (r *reporter) loop(w interceptor.RTCPWriter) {
	defer r.wg.Done()
	t := time.NewTimer(first) // wall clock, as above
	defer t.Stop()
	for {
		select {
		case <-r.done:
			return
		case <-t.C:
		}
		t.Reset(Interval)
		now := time.Now()
		r.mu.Lock()
		streams := slices.Collect(maps.Values(r.streams))
		r.mu.Unlock()
		for _, s := range streams {
			var c Clock
			if r.lookup != nil {
				c = r.lookup(s.ssrc)
			}
			if sr, ok := s.report(now, c); ok {
				// A failed write is a closed transport; the session notices.
				_, _ = w.Write([]rtcp.Packet{sr}, interceptor.Attributes{})
			}
		}
	}
}

// ntpEpoch is 1900-01-01, NTP's zero, as Unix seconds.
const ntpEpoch = 2208988800

// ToNTP is t as a 64-bit NTP timestamp (seconds since 1900, 32.32 fixed point).
func ToNTP(t time.Time) uint64 {
	ns := t.UnixNano()
	sec := uint64(ns/1e9) + ntpEpoch
	frac := uint64(ns%1e9) << 32 / 1e9
	return sec<<32 | frac
}

// FromNTP is the instant of a 64-bit NTP timestamp.
func FromNTP(v uint64) time.Time {
	sec := int64(v>>32) - ntpEpoch
	ns := int64((v & 0xffffffff) * 1e9 >> 32)
	return time.Unix(sec, ns)
}

// CaptureClock is a stream's Clock from the frames as they are written: the
// RTP timestamp of a frame and the instant it was captured (wall clock).
// Safe for concurrent use.
type CaptureClock struct {
	mu        sync.Mutex
	clockRate float64
	ts        uint32
	at        time.Time
}

// NewCaptureClock is a CaptureClock for a stream at clockRate Hz.
func NewCaptureClock(clockRate uint32) *CaptureClock {
	return &CaptureClock{clockRate: float64(clockRate)}
}

// Note records that the frame with RTP timestamp ts was captured at at.
// A zero at is ignored.
func (c *CaptureClock) Note(ts uint32, at time.Time) {
	if at.IsZero() {
		return
	}
	c.mu.Lock()
	c.ts, c.at = ts, at
	c.mu.Unlock()
}

// RTPAt implements Clock. A capture time far from now (another clock, or a
// stall) is not trusted.
func (c *CaptureClock) RTPAt(now time.Time) (uint32, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return 0, false
	}
	d := now.Sub(c.at)
	if d < -time.Second || d > 3*time.Second {
		return 0, false
	}
	return c.ts + uint32(int64(d.Seconds()*c.clockRate)), true
}
