package publish

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"golang.org/x/time/rate"
)

// The pacer spreads the picture's packets over time at a multiple of the
// congestion controller's target, so that a keyframe does not leave as one
// burst a shallow router queue would drop, and lets the sound through at
// once, never behind the picture.
//
// pion's own pacer (gcc.LeakyBucketPacer) keeps one queue for every
// stream: each Opus packet waited behind the frame before it, up to a
// keyframe's worth (60 KB at 3.75 Mbit/s is 130 ms), every two seconds. The
// viewer's audio jitter buffer sized itself to those waits (a target of
// 105–165 ms on loopback), and lip sync then held the picture back as far.
// Browsers pace the same way: audio is not queued behind video
// (libwebrtc's pacer sends audio first), and the pacing factor 2.5 and
// the 40 ms burst are its defaults.
//
// It is an interceptor placed outside the transport-wide sequence numbers,
// so packets are numbered in the order they leave; the congestion
// controller then gets a pacer that sends at once (gcc.NoOpPacer) and
// records each packet's send time as before.
const (
	paceFactor    = 2.5
	paceBurst     = 40 * time.Millisecond
	paceMaxQueued = 4096 // packets: ~5.6 MB; beyond it the packet is dropped (NACK may repair it)
)

type pacer struct {
	interceptor.NoOp

	lim *rate.Limiter // bytes per second; safe for concurrent use

	mu      sync.Mutex    // the queue
	queue   []pacedPacket // queue[head:] wait to leave
	head    int
	wake    chan struct{}
	done    chan struct{}
	closed  bool
	sendMu  sync.Mutex // one packet at a time into the sequence numbering, in send order
	dropped atomic.Uint64
	now     func() time.Time
}

type pacedPacket struct {
	w      interceptor.RTPWriter
	header rtp.Header
	data   []byte
	attr   interceptor.Attributes
}

// newPacer starts a pacer at the given target bitrate (bits per second).
func newPacer(targetBPS int) *pacer {
	p := &pacer{
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
		// wall clock: packets leave on the network's time, and the
		// congestion controller that sets the rate measures with it too.
		now: time.Now,
	}
	lim, burst := paceLimit(targetBPS)
	p.lim = rate.NewLimiter(lim, burst)
	go p.run()
	return p
}

// paceLimit turns a target bitrate into the limiter's bytes per second and
// its burst (never below one full packet).
func paceLimit(targetBPS int) (rate.Limit, int) {
	bytesPerSec := paceFactor * float64(targetBPS) / 8
	burst := int(bytesPerSec * paceBurst.Seconds())
	return rate.Limit(bytesPerSec), max(burst, 2*rtpMTU)
}

// SetTargetBitrate follows the congestion controller's target.
func (p *pacer) SetTargetBitrate(bps int) {
	lim, burst := paceLimit(bps)
	now := p.now()
	p.lim.SetLimitAt(now, lim)
	p.lim.SetBurstAt(now, burst)
}

// BindLocalStream sends audio straight through and queues video.
func (p *pacer) BindLocalStream(info *interceptor.StreamInfo, next interceptor.RTPWriter) interceptor.RTPWriter {
	if strings.HasPrefix(strings.ToLower(info.MimeType), "audio/") {
		return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
			// The sound spends the budget too, so the picture after it
			// keeps to the rate; it just never waits.
			p.lim.ReserveN(p.now(), min(h.MarshalSize()+len(payload), p.lim.Burst()))
			p.sendMu.Lock()
			defer p.sendMu.Unlock()
			return next.Write(h, payload, a)
		})
	}
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
		pkt := pacedPacket{w: next, header: h.Clone(), data: append([]byte(nil), payload...), attr: a}
		p.mu.Lock()
		if p.closed || len(p.queue)-p.head >= paceMaxQueued {
			p.mu.Unlock()
			p.dropped.Add(1)
			return h.MarshalSize() + len(payload), nil
		}
		p.queue = append(p.queue, pkt)
		p.mu.Unlock()
		select {
		case p.wake <- struct{}{}:
		default:
		}
		return h.MarshalSize() + len(payload), nil
	})
}

// run sends queued packets as the budget allows.
func (p *pacer) run() {
	timer := time.NewTimer(time.Hour) // wall clock: see newPacer
	timer.Stop()
	for {
		p.mu.Lock()
		if p.head == len(p.queue) {
			p.queue, p.head = p.queue[:0], 0
			p.mu.Unlock()
			select {
			case <-p.done:
				return
			case <-p.wake:
				continue
			}
		}
		next := p.queue[p.head]
		size := next.header.MarshalSize() + len(next.data)
		now := p.now()
		delay := p.lim.ReserveN(now, min(size, p.lim.Burst())).DelayFrom(now)
		p.mu.Unlock()
		if delay > 0 {
			timer.Reset(delay)
			select {
			case <-p.done:
				timer.Stop()
				return
			case <-timer.C:
			}
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return
		}
		p.queue[p.head] = pacedPacket{}
		p.head++
		p.mu.Unlock()
		p.sendMu.Lock()
		_, _ = next.w.Write(&next.header, next.data, next.attr)
		p.sendMu.Unlock()
	}
}

// Queued is how many picture packets wait to leave.
func (p *pacer) Queued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.queue) - p.head
}

// Close stops the pacer; what is still queued is dropped.
func (p *pacer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		p.queue, p.head = nil, 0
		close(p.done)
	}
	return nil
}

// pacerFactory hands the one pacer to the peer connection's interceptor chain.
type pacerFactory struct{ p *pacer }

func (f pacerFactory) NewInterceptor(string) (interceptor.Interceptor, error) { return f.p, nil }
