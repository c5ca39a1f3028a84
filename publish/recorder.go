package publish

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/at-wat/ebml-go/mkvcore"
	"github.com/at-wat/ebml-go/webm"

	"showcaster/encode"
	"showcaster/internal/clock"
)

// The recorder writes Matroska (.mkv) through github.com/at-wat/ebml-go.
// Matroska because a show that ends in a crash or a pulled plug still leaves
// a playable file: clusters are written as they fill, and the index (Cues)
// and duration, written at the end, are optional to players. A plain MP4
// keeps its index (moov) for the end and is unreadable without it. ebml-go is
// the Matroska writer pion's own examples use, and it is kept up.

// RecorderConfig configures a file recording.
type RecorderConfig struct {
	Path          string // the .mkv file to create (an existing one is replaced)
	Width, Height int    // of the video, for the track header
	FPS           int    // for the track's default duration (default 30)
	AudioChannels int    // default 2
	Clock         clock.Clock
	Logf          func(format string, args ...any)
	// Queue is how many packets may wait for the disk (default 256).
	Queue int
}

// Recorder is an Output that writes H.264 and Opus into a Matroska file. It
// is independent of the network outputs, so it keeps recording while a WHIP
// output reconnects. The file starts at the first keyframe.
type Recorder struct {
	cfg   RecorderConfig
	clk   clock.Clock
	queue chan queued
	stop  chan struct{}
	done  chan struct{}

	closeOnce sync.Once
	closeErr  error
	mu        sync.Mutex
	state     State
	rates     rateWindow
	lastErr   error

	framesSent, audioSent, bytes atomic.Uint64
	dropQueue, dropAwaitKey      atomic.Uint64
	audioDropped                 atomic.Uint64
	needKeyframe                 atomic.Bool
}

// NewRecorder creates the file's directory entry and starts the writer.
func NewRecorder(cfg RecorderConfig) (*Recorder, error) {
	if cfg.FPS == 0 {
		cfg.FPS = 30
	}
	if cfg.AudioChannels == 0 {
		cfg.AudioChannels = 2
	}
	if cfg.Queue == 0 {
		cfg.Queue = 256
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: no picture size for %s", ErrRecorder, cfg.Path)
	}
	f, err := os.Create(cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRecorder, err)
	}
	r := &Recorder{
		cfg:   cfg,
		clk:   clock.OrReal(cfg.Clock),
		queue: make(chan queued, cfg.Queue),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		state: StateLive,
	}
	go r.run(f)
	return r, nil
}

// Name identifies the output.
func (r *Recorder) Name() string { return "record " + r.cfg.Path }

// WriteVideo queues one H.264 access unit; it never blocks.
func (r *Recorder) WriteVideo(p encode.Packet) {
	select {
	case r.queue <- queued{video: true, pkt: p}:
	default:
		r.dropQueue.Add(1)
		r.needKeyframe.Store(true)
	}
}

// WriteAudio queues one Opus packet; it never blocks.
func (r *Recorder) WriteAudio(p encode.Packet) {
	select {
	case r.queue <- queued{pkt: p}:
	default:
		r.audioDropped.Add(1)
	}
}

// run owns the file: it creates the Matroska writer at the first keyframe
// (whose SPS/PPS the track header needs) and writes every block after it.
func (r *Recorder) run(f *os.File) {
	defer close(r.done)
	var (
		video, audio webm.BlockWriteCloser
		origin       time.Duration
		awaitKey     = true
		fatal        error
		stopped      bool
	)
	ticker := r.clk.NewTicker(time.Second)
	defer ticker.Stop()
	fail := func(err error) {
		if fatal == nil {
			fatal = err
			r.mu.Lock()
			r.lastErr = err
			r.state = StateStopped
			r.mu.Unlock()
			if r.cfg.Logf != nil {
				r.cfg.Logf("publish: recording %s stopped: %v", r.cfg.Path, err)
			}
		}
	}
	for !stopped {
		var q queued
		select {
		case now := <-ticker.C():
			r.tick(now)
			continue
		case q = <-r.queue:
		case <-r.stop:
			// Write what was queued before Close, then finish.
			select {
			case q = <-r.queue:
			default:
				stopped = true
				continue
			}
		}
		if fatal != nil {
			continue // drain, so writers never block
		}
		if !q.video {
			if video == nil || q.pkt.PTS < origin {
				r.audioDropped.Add(1)
				continue
			}
			if _, err := audio.Write(true, int64((q.pkt.PTS-origin)/time.Millisecond), q.pkt.Data); err != nil {
				fail(err)
				continue
			}
			r.audioSent.Add(1)
			r.bytes.Add(uint64(len(q.pkt.Data)))
			continue
		}
		if r.needKeyframe.Swap(false) {
			awaitKey = true
		}
		if awaitKey && !q.pkt.Keyframe {
			r.dropAwaitKey.Add(1)
			continue
		}
		if video == nil {
			sps, pps := encode.ParameterSets(q.pkt.Data)
			if sps == nil || pps == nil {
				r.dropAwaitKey.Add(1)
				continue
			}
			ws, err := r.open(f, avcC(sps, pps))
			if err != nil {
				fail(err)
				continue
			}
			video, audio = ws[0], ws[1]
			origin = q.pkt.PTS
		}
		awaitKey = false
		data := annexBToAVCC(q.pkt.Data)
		if _, err := video.Write(q.pkt.Keyframe, int64((q.pkt.PTS-origin)/time.Millisecond), data); err != nil {
			fail(err)
			continue
		}
		r.framesSent.Add(1)
		r.bytes.Add(uint64(len(q.pkt.Data)))
	}
	if video != nil {
		// Closing the last track writer finishes the file (Cues, duration)
		// and closes it.
		err1, err2 := video.Close(), audio.Close()
		if err1 != nil {
			fail(err1)
		} else if err2 != nil {
			fail(err2)
		}
	} else if err := f.Close(); err != nil {
		fail(err)
	}
	r.mu.Lock()
	r.state = StateStopped
	r.mu.Unlock()
}

func (r *Recorder) open(f *os.File, codecPrivate []byte) ([]webm.BlockWriteCloser, error) {
	tracks := []webm.TrackEntry{
		{
			Name: "video", TrackNumber: 1, TrackUID: 1, TrackType: 1,
			CodecID: "V_MPEG4/ISO/AVC", CodecPrivate: codecPrivate,
			DefaultDuration: uint64(time.Second / time.Duration(r.cfg.FPS)),
			Video:           &webm.Video{PixelWidth: uint64(r.cfg.Width), PixelHeight: uint64(r.cfg.Height)},
		},
		{
			Name: "audio", TrackNumber: 2, TrackUID: 2, TrackType: 2,
			CodecID: "A_OPUS", CodecPrivate: opusHead(r.cfg.AudioChannels),
			CodecDelay:  uint64(opusPreSkip * time.Second / 48000),
			SeekPreRoll: uint64(80 * time.Millisecond),
			Audio:       &webm.Audio{SamplingFrequency: 48000, Channels: uint64(r.cfg.AudioChannels)},
		},
	}
	header := *webm.DefaultEBMLHeader
	header.DocType = "matroska" // H.264 is not a WebM codec
	info := *webm.DefaultSegmentInfo
	info.MuxingApp, info.WritingApp = "showcaster", "showcaster"
	info.DateUTC = r.clk.Now()
	ws, err := webm.NewSimpleBlockWriter(f, tracks,
		mkvcore.WithEBMLHeader(&header),
		mkvcore.WithSegmentInfo(&info),
		mkvcore.WithSeekHead(true),
		// About 20 bytes a cue, one per cluster: room for several hours;
		// past that ebml-go thins the index rather than failing.
		mkvcore.WithCues(256<<10),
		// Clusters start at keyframes, so the index points at pictures a
		// player can start from.
		mkvcore.WithMaxKeyframeInterval(1, 5000),
		// ebml-go panics on write errors by default; a full disk must stop
		// the recording, not the show.
		mkvcore.WithOnErrorHandler(func(err error) { r.noteError(err) }),
		mkvcore.WithOnFatalHandler(func(err error) { r.noteError(err) }),
	)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRecorder, err)
	}
	return ws, nil
}

func (r *Recorder) noteError(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastErr = fmt.Errorf("%w: %v", ErrRecorder, err)
	if r.cfg.Logf != nil {
		r.cfg.Logf("publish: recording %s: %v", r.cfg.Path, err)
	}
}

func (r *Recorder) tick(now time.Time) {
	frames, bytes := r.framesSent.Load(), r.bytes.Load()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rates.advance(now, frames, bytes)
}

// Stats reports what reached the file.
func (r *Recorder) Stats() Stats {
	d := Drops{QueueFull: r.dropQueue.Load(), AwaitKeyframe: r.dropAwaitKey.Load()}
	st := Stats{
		FramesSent: r.framesSent.Load(), FramesDropped: d.QueueFull + d.AwaitKeyframe, Drops: d,
		AudioSent: r.audioSent.Load(), AudioDropped: r.audioDropped.Load(), Bytes: r.bytes.Load(),
	}
	r.mu.Lock()
	st.State, st.FPS, st.Kbps = r.state, r.rates.fps, r.rates.kbps
	r.mu.Unlock()
	return st
}

// Err is the error that stopped the recording, if any.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr
}

// Close writes what is queued, finishes the file and closes it. Later writes
// are dropped.
func (r *Recorder) Close() error {
	r.closeOnce.Do(func() {
		close(r.stop)
		<-r.done
		r.closeErr = r.Err()
	})
	return r.closeErr
}

// avcC builds the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3)
// that Matroska's V_MPEG4/ISO/AVC carries as CodecPrivate.
func avcC(sps, pps []byte) []byte {
	b := []byte{1, sps[1], sps[2], sps[3], 0xff, 0xe1} // 4-byte lengths, one SPS
	b = binary.BigEndian.AppendUint16(b, uint16(len(sps)))
	b = append(b, sps...)
	b = append(b, 1)
	b = binary.BigEndian.AppendUint16(b, uint16(len(pps)))
	b = append(b, pps...)
	switch sps[1] {
	case 100, 110, 122, 144:
		// High profiles add chroma format and bit depths: 4:2:0, 8 bit.
		b = append(b, 0xfc|1, 0xf8, 0xf8, 0)
	}
	return b
}

// annexBToAVCC rewrites start codes as 4-byte lengths, as MP4 and Matroska
// store H.264.
func annexBToAVCC(data []byte) []byte {
	nals := encode.SplitAnnexB(data)
	n := 0
	for _, nal := range nals {
		n += 4 + len(nal)
	}
	out := make([]byte, 0, n)
	for _, nal := range nals {
		out = binary.BigEndian.AppendUint32(out, uint32(len(nal)))
		out = append(out, nal...)
	}
	return out
}

// opusPreSkip is libopus's encoder lookahead at 48 kHz (OPUS_GET_LOOKAHEAD
// with the default settings), the samples a decoder must discard.
const opusPreSkip = 312

// opusHead is the identification header (RFC 7845 §5.1) Matroska's A_OPUS
// takes as CodecPrivate.
func opusHead(channels int) []byte {
	b := append([]byte("OpusHead"), 1, byte(channels))
	b = binary.LittleEndian.AppendUint16(b, opusPreSkip)
	b = binary.LittleEndian.AppendUint32(b, 48000)
	b = binary.LittleEndian.AppendUint16(b, 0) // output gain
	return append(b, 0)                        // mapping family 0: mono or stereo
}
