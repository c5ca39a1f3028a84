package rtpsr

import (
	"sync"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

func TestNTPRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 2, 1, 2, 3, 456789000, time.UTC)
	if d := FromNTP(ToNTP(at)).Sub(at); d < -time.Microsecond || d > time.Microsecond {
		t.Fatalf("%v comes back %v off", at, d)
	}
	// 1900 plus the Unix epoch's offset, with half a second of fraction.
	if got := ToNTP(time.Unix(0, 5e8)); got != 2208988800<<32|1<<31 {
		t.Fatalf("NTP of the Unix epoch + 0.5 s: %#x", got)
	}
}

func TestCaptureClock(t *testing.T) {
	c := NewCaptureClock(48000)
	now := time.Now()
	if _, ok := c.RTPAt(now); ok {
		t.Fatal("a clock that has seen no frame claims to know")
	}
	c.Note(1000, time.Time{}) // no capture time: ignored
	if _, ok := c.RTPAt(now); ok {
		t.Fatal("a frame without a capture time was trusted")
	}
	c.Note(1000, now.Add(-40*time.Millisecond))
	if ts, ok := c.RTPAt(now); !ok || ts != 1000+1920 {
		t.Fatalf("40 ms after the capture of RTP time 1000: %d %v, want 2920", ts, ok)
	}
	c.Note(4294967000, now.Add(-10*time.Millisecond)) // wraps
	if ts, ok := c.RTPAt(now); !ok || ts != 4294967000+480-4294967296 {
		t.Fatalf("across the wrap: %d %v", ts, ok)
	}
	if _, ok := c.RTPAt(now.Add(time.Minute)); ok {
		t.Fatal("a capture a minute old was trusted")
	}
}

// rtcpSink collects what the reporter writes.
type rtcpSink struct {
	mu  sync.Mutex
	got []*rtcp.SenderReport
}

func (s *rtcpSink) Write(pkts []rtcp.Packet, _ interceptor.Attributes) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range pkts {
		if sr, ok := p.(*rtcp.SenderReport); ok {
			s.got = append(s.got, sr)
		}
	}
	return 0, nil
}

func (s *rtcpSink) first(t *testing.T, ssrc uint32) *rtcp.SenderReport {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		s.mu.Lock()
		for _, sr := range s.got {
			if sr.SSRC == ssrc {
				s.mu.Unlock()
				return sr
			}
		}
		s.mu.Unlock()
	}
	t.Fatalf("no sender report for SSRC %d", ssrc)
	return nil
}

// A stream with a Clock is reported on it; one without, on when its last
// frame left; both with the packets and bytes sent.
func TestReportsFollowTheClock(t *testing.T) {
	clock := NewCaptureClock(90000)
	f := Factory{Lookup: func(ssrc uint32) Clock {
		if ssrc == 1 {
			return clock
		}
		return nil
	}}
	i, err := f.NewInterceptor("")
	if err != nil {
		t.Fatal(err)
	}
	defer i.Close()
	sink := &rtcpSink{}
	i.BindRTCPWriter(sink)
	nowhere := interceptor.RTPWriterFunc(func(*rtp.Header, []byte, interceptor.Attributes) (int, error) { return 0, nil })
	withClock := i.BindLocalStream(&interceptor.StreamInfo{SSRC: 1, ClockRate: 90000}, nowhere)
	without := i.BindLocalStream(&interceptor.StreamInfo{SSRC: 2, ClockRate: 90000}, nowhere)

	// Captured 100 ms before it leaves: the report must not take the
	// sending time for the capture time.
	captured := time.Now().Add(-100 * time.Millisecond)
	clock.Note(90000, captured)
	for _, w := range []interceptor.RTPWriter{withClock, without} {
		for range 3 {
			if _, err := w.Write(&rtp.Header{Timestamp: 90000}, make([]byte, 500), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(sr *rtcp.SenderReport) time.Time {
		if sr.PacketCount != 3 || sr.OctetCount != 1500 {
			t.Fatalf("SSRC %d: %d packets, %d bytes reported; 3 and 1500 were sent", sr.SSRC, sr.PacketCount, sr.OctetCount)
		}
		// The instant the report puts RTP time 90000 at.
		return FromNTP(sr.NTPTime).Add(-time.Duration(int32(sr.RTPTime-90000)) * time.Second / 90000)
	}
	if at := check(sink.first(t, 1)); at.Sub(captured).Abs() > 2*time.Millisecond {
		t.Fatalf("the clocked stream's report puts the frame %v from its capture", at.Sub(captured))
	}
	if at := check(sink.first(t, 2)); at.Sub(captured) < 90*time.Millisecond {
		t.Fatalf("the stream without a clock is placed %v after capture, want about when it left (100 ms)", at.Sub(captured))
	}
}
