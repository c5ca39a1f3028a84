package publish

import (
	"sync"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
)

// wire records what leaves the pacer, in order.
type wire struct {
	mu   sync.Mutex
	sent []string
}

func (w *wire) writer(kind string) interceptor.RTPWriter {
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, _ interceptor.Attributes) (int, error) {
		w.mu.Lock()
		w.sent = append(w.sent, kind)
		w.mu.Unlock()
		return len(payload), nil
	})
}

func (w *wire) snapshot() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.sent...)
}

// A keyframe's packets are spread out, and the sound written after them
// leaves before them, not behind them.
func TestPacerSendsSoundBeforeQueuedPicture(t *testing.T) {
	p := newPacer(200_000) // 0.5 Mbit/s of pacing: 60 KB take ~1 s
	defer p.Close()
	var out wire
	video := p.BindLocalStream(&interceptor.StreamInfo{MimeType: "video/H264"}, out.writer("video"))
	audio := p.BindLocalStream(&interceptor.StreamInfo{MimeType: "audio/opus"}, out.writer("audio"))

	payload := make([]byte, 1200)
	for i := range 50 { // a 60 KB keyframe
		if _, err := video.Write(&rtp.Header{SequenceNumber: uint16(i), SSRC: 1}, payload, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := audio.Write(&rtp.Header{SSRC: 2}, make([]byte, 160), nil); err != nil {
		t.Fatal(err)
	}
	sent := out.snapshot()
	audioAt := -1
	for i, k := range sent {
		if k == "audio" {
			audioAt = i
		}
	}
	if audioAt < 0 {
		t.Fatalf("the sound waited for the picture: %d packets out, none of them the sound", len(sent))
	}
	if audioAt >= 49 {
		t.Fatalf("the sound left after the picture (%d of %d)", audioAt, len(sent))
	}
	// Every picture packet still leaves, in order.
	deadline := time.Now().Add(20 * time.Second)
	for len(out.snapshot()) < 51 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(out.snapshot()); n != 51 {
		t.Fatalf("%d of 51 packets left the pacer", n)
	}
}

// The pacer keeps the picture to its rate: a burst much larger than the
// allowance does not leave all at once.
func TestPacerSpreadsABurst(t *testing.T) {
	p := newPacer(200_000)
	defer p.Close()
	var out wire
	video := p.BindLocalStream(&interceptor.StreamInfo{MimeType: "video/H264"}, out.writer("video"))
	for i := range 200 { // 240 KB: ~4 s at this rate, far over the 40 ms burst
		_, _ = video.Write(&rtp.Header{SequenceNumber: uint16(i), SSRC: 1}, make([]byte, 1200), nil)
	}
	if q := p.Queued(); q < 100 {
		t.Fatalf("only %d of 200 packets were held back: the burst left at once", q)
	}
}

// Closing drops what waits and stops the pacer; later writes are dropped.
func TestPacerClose(t *testing.T) {
	p := newPacer(500_000)
	var out wire
	video := p.BindLocalStream(&interceptor.StreamInfo{MimeType: "video/H264"}, out.writer("video"))
	for i := range 100 {
		_, _ = video.Write(&rtp.Header{SequenceNumber: uint16(i), SSRC: 1}, make([]byte, 1200), nil)
	}
	_ = p.Close()
	_ = p.Close()
	if q := p.Queued(); q != 0 {
		t.Fatalf("%d packets still queued after Close", q)
	}
	_, _ = video.Write(&rtp.Header{SSRC: 1}, make([]byte, 1200), nil)
	if p.dropped.Load() == 0 {
		t.Fatal("a write after Close was not counted as dropped")
	}
}

func TestPaceLimit(t *testing.T) {
	lim, burst := paceLimit(2_000_000)
	if float64(lim) != 2.5*2_000_000/8 {
		t.Fatalf("limit %v", lim)
	}
	if burst != int(2.5*2_000_000/8*0.040) {
		t.Fatalf("burst %d", burst)
	}
	if _, b := paceLimit(10_000); b != 2*rtpMTU {
		t.Fatalf("the burst of a tiny rate is %d, not two packets", b)
	}
}
