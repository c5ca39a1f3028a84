//go:build !noaac

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

// AACAvailable says whether this build can encode AAC (and so publish to
// RTMP). Every build can, through VisualOn's encoder: Debian's libvo-aacenc
// on Linux, and on Windows and macOS the static library that
// scripts/vo-aacenc.sh builds from the same sources (make package-windows,
// make package-darwin). Only -tags noaac leaves it out (aac_unavailable.go).
const AACAvailable = true

// AAC encodes 48 kHz PCM into raw AAC-LC frames (no ADTS header; the
// container carries AudioSpecificConfig once, see AAC.Config) through
// VisualOn's encoder (vo-aacenc). Chunks of any length are accepted.
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
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
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
