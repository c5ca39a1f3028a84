package e2e

import (
	"math"
	"sync"
	"time"

	"showcaster/capture"
)

// soundCode is a sound source for the latency harness: a quiet 440 Hz tone
// (so the receivers' jitter buffers work on sound, not silence) with a loud
// 20 ms burst of 1 kHz at every whole second of the wall clock. The chunk
// that starts at a whole second carries the burst, and its capture time is
// that second; the harness hears each onset at the viewer's speakers
// (soundServer.listen). A chunk is handed over at the end of the 20 ms it
// covers, as a sound card hands over what it has recorded.
type soundCode struct {
	mu     sync.Mutex
	next   time.Time
	phase  float64
	closed chan struct{}
	once   sync.Once
}

// soundCodeThreshold tells a burst from the quiet tone (0.8 against 0.05 of full scale).
const soundCodeThreshold = math.MaxInt16 * 3 / 10

func newSoundCode() *soundCode { return &soundCode{closed: make(chan struct{})} }

func (s *soundCode) Info() capture.DeviceInfo {
	return capture.DeviceInfo{ID: "soundcode", Kind: capture.KindAudio, Label: "sound time code"}
}

func (s *soundCode) Read() (capture.AudioChunk, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next.IsZero() {
		s.next = time.Now().Truncate(capture.ChunkDuration).Add(capture.ChunkDuration)
	}
	if d := time.Until(s.next.Add(capture.ChunkDuration)); d > 0 {
		select {
		case <-time.After(d): // a sound card delivers on its own clock
		case <-s.closed:
			return capture.AudioChunk{}, capture.ErrClosed
		}
	}
	at := s.next
	s.next = s.next.Add(capture.ChunkDuration)
	burst := at.Truncate(time.Second).Equal(at)
	out := make([]int16, capture.ChunkFrames*2)
	for i := range capture.ChunkFrames {
		v := 0.05 * math.Sin(s.phase)
		s.phase += 2 * math.Pi * 440 / capture.SampleRate
		if burst {
			v = 0.8 * math.Sin(2*math.Pi*1000*float64(i)/capture.SampleRate)
		}
		out[2*i] = int16(v * math.MaxInt16)
		out[2*i+1] = out[2*i]
	}
	s.phase = math.Mod(s.phase, 2*math.Pi)
	return capture.AudioChunk{Samples: out, Channels: 2, Time: at}, nil
}

func (s *soundCode) Close() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}
