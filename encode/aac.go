package encode

/*
#cgo pkg-config: vo-aacenc
#include <stdlib.h>
#include <string.h>
#include <vo-aacenc/voAAC.h>
#include <vo-aacenc/cmnMemory.h>

typedef struct {
	VO_AUDIO_CODECAPI api;
	VO_MEM_OPERATOR mem;
	VO_HANDLE h;
} sc_aac;

static sc_aac *sc_aac_open(int rate, int channels, int bitrate, unsigned int *rc) {
	sc_aac *e = calloc(1, sizeof(sc_aac));
	if (!e) { *rc = 1; return NULL; }
	voGetAACEncAPI(&e->api);
	e->mem.Alloc = cmnMemAlloc;
	e->mem.Copy = cmnMemCopy;
	e->mem.Free = cmnMemFree;
	e->mem.Set = cmnMemSet;
	e->mem.Check = cmnMemCheck;
	VO_CODEC_INIT_USERDATA ud;
	memset(&ud, 0, sizeof(ud));
	ud.memflag = VO_IMF_USERMEMOPERATOR;
	ud.memData = &e->mem;
	*rc = e->api.Init(&e->h, VO_AUDIO_CodingAAC, &ud);
	if (*rc != VO_ERR_NONE) { free(e); return NULL; }
	AACENC_PARAM p;
	memset(&p, 0, sizeof(p));
	p.sampleRate = rate;
	p.bitRate = bitrate;
	p.nChannels = channels;
	p.adtsUsed = 0;
	*rc = e->api.SetParam(e->h, VO_PID_AAC_ENCPARAM, &p);
	if (*rc != VO_ERR_NONE) { e->api.Uninit(e->h); free(e); return NULL; }
	return e;
}

// One frame in (1024 samples per channel), one raw AAC frame out. Returns the
// output length, 0 when the encoder held the frame back, or -rc on error.
static int sc_aac_frame(sc_aac *e, short *pcm, int bytes, unsigned char *out, int cap) {
	VO_CODECBUFFER in, ob;
	VO_AUDIO_OUTPUTINFO info;
	memset(&in, 0, sizeof(in));
	memset(&ob, 0, sizeof(ob));
	memset(&info, 0, sizeof(info));
	in.Buffer = (VO_PBYTE)pcm;
	in.Length = bytes;
	unsigned int rc = e->api.SetInputData(e->h, &in);
	if (rc != VO_ERR_NONE) return -1;
	ob.Buffer = out;
	ob.Length = cap;
	rc = e->api.GetOutputData(e->h, &ob, &info);
	if (rc == VO_ERR_INPUT_BUFFER_SMALL) return 0;
	if (rc != VO_ERR_NONE) return -2;
	return (int)ob.Length;
}

static void sc_aac_close(sc_aac *e) {
	e->api.Uninit(e->h);
	free(e);
}
*/
import "C"

import (
	"fmt"
	"sync"
	"time"
	"unsafe"

	"showcaster/capture"
)

// AACFrameSamples is the length of one AAC-LC frame, per channel.
const AACFrameSamples = 1024

// AACFrame is the duration of one AAC frame at the engine's 48 kHz.
const AACFrame = time.Duration(AACFrameSamples) * time.Second / capture.SampleRate

// DefaultAACBitrate is the AAC bitrate when AACConfig leaves it unset: the
// 128 kbps stereo that the streaming platforms ask for.
const DefaultAACBitrate = 128_000

// AACConfig configures an AAC-LC encoder at 48 kHz.
type AACConfig struct {
	Channels   int // 1 or 2; default 2
	BitrateBps int // default 128 kbps
}

// AAC encodes 48 kHz PCM into raw AAC-LC frames (no ADTS header; the
// container carries AudioSpecificConfig once, see AAC.Config) through
// VisualOn's encoder (libvo-aacenc). Chunks of any length are accepted.
type AAC struct {
	cfg AACConfig

	mu      sync.Mutex
	enc     *C.sc_aac
	pcm     *C.short // one frame of input, C memory
	out     *C.uchar
	fifo    []int16
	fifoAt  time.Time
	encoded int64 // samples per channel handed out as packets, for PTS
}

const aacOutCap = 8192 // far above the 6144 bits per channel AAC allows a frame

// NewAAC starts an AAC-LC encoder.
func NewAAC(cfg AACConfig) (*AAC, error) {
	if cfg.Channels == 0 {
		cfg.Channels = 2
	}
	if cfg.BitrateBps == 0 {
		cfg.BitrateBps = DefaultAACBitrate
	}
	if cfg.Channels != 1 && cfg.Channels != 2 {
		return nil, fmt.Errorf("%w: %d audio channels (use 1 or 2)", ErrBadConfig, cfg.Channels)
	}
	if cfg.BitrateBps < 16_000 || cfg.BitrateBps > 320_000 {
		return nil, fmt.Errorf("%w: AAC bitrate %d bps is outside 16–320 kbps", ErrBadConfig, cfg.BitrateBps)
	}
	var rc C.uint
	e := C.sc_aac_open(C.int(capture.SampleRate), C.int(cfg.Channels), C.int(cfg.BitrateBps), &rc)
	if e == nil {
		return nil, fmt.Errorf("%w: init returned 0x%x", ErrAAC, uint32(rc))
	}
	a := &AAC{
		cfg: cfg,
		enc: e,
		pcm: (*C.short)(C.malloc(C.size_t(2 * AACFrameSamples * cfg.Channels))),
		out: (*C.uchar)(C.malloc(aacOutCap)),
	}
	return a, nil
}

// Codec reports AudioAAC.
func (a *AAC) Codec() AudioCodec { return AudioAAC }

// Settings returns the settings the encoder runs with, defaults filled in.
func (a *AAC) Settings() AACConfig { return a.cfg }

// Config is the AudioSpecificConfig (ISO 14496-3 1.6.2.1) of the stream:
// what FLV's AAC sequence header and MP4's esds carry.
func (a *AAC) Config() []byte { return AACAudioSpecificConfig(capture.SampleRate, a.cfg.Channels) }

// AACAudioSpecificConfig builds the two-byte AudioSpecificConfig of an
// AAC-LC stream: object type 2, the sampling-frequency index, the channel
// configuration, 1024-sample frames.
func AACAudioSpecificConfig(rate, channels int) []byte {
	idx := 15
	for i, r := range []int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350} {
		if r == rate {
			idx = i
		}
	}
	const objectType = 2 // AAC LC
	v := objectType<<11 | idx<<7 | channels<<3
	return []byte{byte(v >> 8), byte(v)}
}

// Encode queues a chunk and returns a packet for every whole 1024-sample
// frame now available. Packets carry PTS from the start of the stream in
// steps of AACFrame; CaptureTime is the time of the frame's first sample.
func (a *AAC) Encode(chunk capture.AudioChunk) ([]Packet, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.enc == nil {
		return nil, ErrClosed
	}
	ch := a.cfg.Channels
	in, err := toChannels(chunk.Samples, chunk.Channels, ch)
	if err != nil {
		return nil, err
	}
	if len(a.fifo) == 0 {
		a.fifoAt = chunk.Time
	}
	a.fifo = append(a.fifo, in...)

	frame := AACFrameSamples * ch
	var out []Packet
	for len(a.fifo) >= frame {
		copy(unsafe.Slice((*int16)(unsafe.Pointer(a.pcm)), frame), a.fifo[:frame])
		n := C.sc_aac_frame(a.enc, a.pcm, C.int(2*frame), a.out, aacOutCap)
		at := a.fifoAt
		a.fifo = a.fifo[:copy(a.fifo, a.fifo[frame:])]
		if !a.fifoAt.IsZero() {
			a.fifoAt = a.fifoAt.Add(AACFrame)
		}
		if n < 0 {
			return out, fmt.Errorf("%w: encode step %d failed", ErrAAC, -int(n))
		}
		if n == 0 {
			continue
		}
		pts := time.Duration(a.encoded) * time.Second / capture.SampleRate
		a.encoded += AACFrameSamples
		out = append(out, Packet{
			Data:        C.GoBytes(unsafe.Pointer(a.out), n),
			PTS:         pts,
			Duration:    AACFrame,
			Keyframe:    true,
			CaptureTime: at,
		})
	}
	return out, nil
}

// Close frees the encoder; Encode then returns ErrClosed.
func (a *AAC) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.enc == nil {
		return nil
	}
	C.sc_aac_close(a.enc)
	C.free(unsafe.Pointer(a.pcm))
	C.free(unsafe.Pointer(a.out))
	a.enc = nil
	return nil
}
