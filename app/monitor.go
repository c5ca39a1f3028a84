package app

import (
	"encoding/binary"
	"math"
	"sync"
	"time"

	"github.com/ebitengine/oto/v3"

	"showcaster/capture"
)

// monitorMax bounds how far the monitor may fall behind the microphone:
// older sound is dropped, because hearing yourself late is worse than a
// click.
const monitorMax = 100 * time.Millisecond

// micMonitor is the sound the host hears of their own microphone. The
// engine pushes the program's audio in; the audio output pulls it out,
// getting silence when nothing is waiting, so neither side ever waits.
type micMonitor struct {
	mu     sync.Mutex
	buf    []byte // float32 LE stereo at 48 kHz, what the output plays
	max    int
	player *oto.Player
}

func newMicMonitor() *micMonitor {
	return &micMonitor{max: int(monitorMax.Seconds()*capture.SampleRate) * 2 * 4}
}

// Read gives the output what has arrived and silence for the rest.
func (m *micMonitor) Read(p []byte) (int, error) {
	m.mu.Lock()
	n := copy(p, m.buf)
	m.buf = m.buf[:copy(m.buf, m.buf[n:])]
	m.mu.Unlock()
	clear(p[n:])
	return len(p), nil
}

// push adds one chunk of PCM, converted to the output's format.
func (m *micMonitor) push(c capture.AudioChunk) {
	ch := max(c.Channels, 1)
	frames := len(c.Samples) / ch
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := 0; i < frames; i++ {
		l := c.Samples[i*ch]
		r := l
		if ch > 1 {
			r = c.Samples[i*ch+1]
		}
		m.buf = binary.LittleEndian.AppendUint32(m.buf, math.Float32bits(float32(l)/32768))
		m.buf = binary.LittleEndian.AppendUint32(m.buf, math.Float32bits(float32(r)/32768))
	}
	if over := len(m.buf) - m.max; over > 0 {
		over += (8 - over%8) % 8 // whole stereo frames
		m.buf = m.buf[:copy(m.buf, m.buf[over:])]
	}
}

// StartMonitor plays the audio handed to the returned function on the sound
// output (the host's headphones) until StopMonitor.
func (c *Chimer) StartMonitor() func(capture.AudioChunk) {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.monitor == nil {
		m := newMicMonitor()
		m.player = c.ctx.NewPlayer(m)
		// A short buffer keeps the delay between voice and ear small.
		m.player.SetBufferSize(int(20*time.Millisecond.Seconds()*float64(c.cfg.SampleRate)) * 2 * 4)
		m.player.Play()
		c.monitor = m
	}
	return c.monitor.push
}

// StopMonitor silences the microphone monitor.
func (c *Chimer) StopMonitor() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.monitor != nil {
		c.monitor.player.Close()
		c.monitor = nil
	}
}
