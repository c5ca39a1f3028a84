package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/pmp4"
	"github.com/pion/rtp"
	rtpcodecs "github.com/pion/rtp/codecs"

	"showcaster/platform"
)

// The replay (回放): while a show is live, the platform records the packets
// it relays — the publisher's own H.264 and Opus, not transcoded, never a
// trial — and after the end writes them as one plain MP4 (moov first), which
// any browser plays with seeking from GET /replays/{show}.mp4.
//
// During the show the samples go to a raw file as they come and only their
// index stays in memory; the end turns the index into the MP4's tables and
// copies the samples after them.

const (
	recQueue = 4096 // packets waiting for the disk; beyond, packets are dropped and counted
	// maxReplay keeps the MP4 under the 32-bit chunk offsets it uses
	// (about 3.5 hours at 2.5 Mbit/s); the recording stops there.
	maxReplay = 4<<30 - 64<<20
	videoRate = 90000
	audioRate = 48000
)

type recPacket struct {
	video   bool
	ts      uint32
	marker  bool
	payload []byte
	at      time.Time
}

type recSample struct {
	off  int64
	size uint32
	ts   int64 // unwrapped RTP time
	sync bool
}

// recorder records one show's formal broadcast.
type recorder struct {
	show     string
	raw      *os.File
	rawPath  string
	ch       chan recPacket
	done     chan struct{}
	logf     func(string, ...any)
	mu       sync.Mutex // guards closed against record
	closed   bool
	dropped  int
	size     int64
	depack   rtpcodecs.H264Packet
	au       [][]byte
	auTS     uint32
	auOpen   bool
	sps, pps []byte

	video, audio           []recSample
	vExt, aExt             int64
	vLast, aLast           uint32
	firstVideo, firstAudio time.Time
}

func newRecorder(dir, show string, logf func(string, ...any)) (*recorder, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%w: create the replay directory %s: %v", ErrStorage, dir, err)
	}
	path := filepath.Join(dir, show+".samples")
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%w: start the replay of %s: %v", ErrStorage, show, err)
	}
	rec := &recorder{show: show, raw: f, rawPath: path, ch: make(chan recPacket, recQueue), done: make(chan struct{}), logf: logf}
	go rec.run()
	return rec, nil
}

// record queues a copy of a relayed packet; it never blocks the relay.
func (rec *recorder) record(video bool, pkt *rtp.Packet, at time.Time) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.closed {
		return
	}
	p := recPacket{video: video, ts: pkt.Timestamp, marker: pkt.Marker, payload: append([]byte(nil), pkt.Payload...), at: at}
	select {
	case rec.ch <- p:
	default:
		rec.dropped++
	}
}

func (rec *recorder) run() {
	defer close(rec.done)
	for p := range rec.ch {
		if rec.size >= maxReplay {
			continue
		}
		if p.video {
			rec.onVideo(p)
		} else {
			rec.onAudio(p)
		}
	}
	rec.flushAU()
}

func (rec *recorder) onVideo(p recPacket) {
	if rec.auOpen && p.ts != rec.auTS {
		rec.flushAU()
	}
	annexb, err := rec.depack.Unmarshal(p.payload)
	if err == nil && len(annexb) > 0 {
		var nalus h264.AnnexB
		if err := nalus.Unmarshal(annexb); err == nil {
			for _, n := range nalus {
				rec.au = append(rec.au, append([]byte(nil), n...))
			}
		}
	}
	if !rec.auOpen {
		rec.auOpen, rec.auTS = true, p.ts
		if rec.firstVideo.IsZero() {
			rec.firstVideo = p.at
		}
	}
	if p.marker {
		rec.flushAU()
	}
}

// flushAU writes the access unit gathered so far as one video sample. The
// replay starts at the first keyframe; each keyframe carries its parameter sets.
func (rec *recorder) flushAU() {
	if !rec.auOpen {
		return
	}
	rec.auOpen = false
	nalus := rec.au[:0:0]
	idr := false
	for _, n := range rec.au {
		if len(n) == 0 {
			continue
		}
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			rec.sps = n
			continue
		case h264.NALUTypePPS:
			rec.pps = n
			continue
		case h264.NALUTypeAccessUnitDelimiter:
			continue
		case h264.NALUTypeIDR:
			idr = true
		}
		nalus = append(nalus, n)
	}
	rec.au = rec.au[:0]
	if len(nalus) == 0 || (len(rec.video) == 0 && (!idr || rec.sps == nil || rec.pps == nil)) {
		return
	}
	if idr {
		nalus = append([][]byte{rec.sps, rec.pps}, nalus...)
	}
	data, err := h264.AVCC(nalus).Marshal()
	if err != nil {
		return
	}
	if len(rec.video) == 0 {
		rec.vExt, rec.vLast = 0, rec.auTS
	} else {
		rec.vExt += int64(int32(rec.auTS - rec.vLast))
		rec.vLast = rec.auTS
	}
	if s, ok := rec.write(data); ok {
		s.ts, s.sync = rec.vExt, idr
		rec.video = append(rec.video, s)
	}
}

func (rec *recorder) onAudio(p recPacket) {
	if len(rec.video) == 0 || len(p.payload) == 0 {
		return // the replay begins with the picture's first keyframe
	}
	if len(rec.audio) == 0 {
		rec.aExt, rec.aLast, rec.firstAudio = 0, p.ts, p.at
	} else {
		rec.aExt += int64(int32(p.ts - rec.aLast))
		rec.aLast = p.ts
	}
	if s, ok := rec.write(p.payload); ok {
		s.ts, s.sync = rec.aExt, true
		rec.audio = append(rec.audio, s)
	}
}

func (rec *recorder) write(b []byte) (recSample, bool) {
	n, err := rec.raw.Write(b)
	if err != nil || n != len(b) {
		rec.logf("platform: show %s: write the replay: %v", rec.show, err)
		return recSample{}, false
	}
	s := recSample{off: rec.size, size: uint32(n)}
	rec.size += int64(n)
	return s, true
}

// stop ends the recording and waits for the queue to reach the disk.
func (rec *recorder) stop() {
	rec.mu.Lock()
	if !rec.closed {
		rec.closed = true
		close(rec.ch)
	}
	rec.mu.Unlock()
	<-rec.done
}

// finish writes the MP4 to path and removes the raw samples; it returns the replay's length.
func (rec *recorder) finish(path string) (time.Duration, error) {
	rec.stop()
	defer os.Remove(rec.rawPath)
	defer rec.raw.Close()
	if len(rec.video) == 0 || rec.sps == nil {
		return 0, ErrNoPicture
	}
	if rec.dropped > 0 {
		rec.logf("platform: show %s: the replay lost %d packets (the disk was too slow)", rec.show, rec.dropped)
	}
	read := func(s recSample) func() ([]byte, error) {
		return func() ([]byte, error) {
			b := make([]byte, s.size)
			_, err := rec.raw.ReadAt(b, s.off)
			return b, err
		}
	}
	samples := func(list []recSample, last uint32) []*pmp4.Sample {
		out := make([]*pmp4.Sample, len(list))
		for i, s := range list {
			d := last
			if i+1 < len(list) {
				d = uint32(max(list[i+1].ts-s.ts, 1))
			}
			out[i] = &pmp4.Sample{Duration: d, IsNonSyncSample: !s.sync, PayloadSize: s.size, GetPayload: read(s)}
		}
		return out
	}
	vt := &pmp4.Track{ID: 1, TimeScale: videoRate, Codec: &codecs.H264{SPS: rec.sps, PPS: rec.pps},
		Samples: samples(rec.video, videoRate/30)}
	pres := pmp4.Presentation{Tracks: []*pmp4.Track{vt}}
	length := time.Duration(rec.video[len(rec.video)-1].ts) * time.Second / videoRate
	if len(rec.audio) > 0 {
		at := &pmp4.Track{ID: 2, TimeScale: audioRate, Codec: &codecs.Opus{ChannelCount: 2},
			Samples: samples(rec.audio, audioRate/50)}
		// The sound starts when its first packet arrived after the first keyframe.
		at.TimeOffset = int32(rec.firstAudio.Sub(rec.firstVideo).Seconds() * audioRate)
		pres.Tracks = append(pres.Tracks, at)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return 0, fmt.Errorf("%w: write the replay of %s: %v", ErrStorage, rec.show, err)
	}
	if err := pres.Marshal(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return 0, fmt.Errorf("%w: write the replay of %s: %v", ErrStorage, rec.show, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("%w: write the replay of %s: %v", ErrStorage, rec.show, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, fmt.Errorf("%w: write the replay of %s: %v", ErrStorage, rec.show, err)
	}
	return length, nil
}

// ---- the show's side ----

func (s *Server) replayDir() string { return filepath.Join(s.cfg.DataDir, "replays") }

// recordOnTransitionLocked starts the recorder when the show goes live and
// finishes the replay when it ends. The caller holds sh.mu.
func (sh *show) recordOnTransitionLocked(to platform.ShowState) {
	switch to {
	case platform.StateLive:
		if sh.relay.recording() {
			return
		}
		rec, err := newRecorder(sh.srv.replayDir(), sh.row.ID, sh.srv.logf)
		if err != nil {
			sh.srv.logf("platform: %v", err)
			return
		}
		sh.relay.startRecording(rec)
	case platform.StateEnded:
		rec := sh.relay.stopRecording()
		if rec == nil {
			return
		}
		id := sh.row.ID
		path := filepath.Join(sh.srv.replayDir(), id+".mp4")
		sh.srv.wg.Add(1)
		go func() {
			defer sh.srv.wg.Done()
			length, err := rec.finish(path)
			if err != nil {
				sh.srv.logf("platform: show %s: no replay: %v", id, err)
				return
			}
			if _, err := sh.srv.db.ExecContext(context.Background(), `INSERT INTO replays (show_id, file, ready, duration_ms) VALUES (?, ?, 1, ?)
				ON CONFLICT (show_id) DO UPDATE SET file = excluded.file, ready = 1, duration_ms = excluded.duration_ms`,
				id, filepath.Base(path), length.Milliseconds()); err != nil {
				sh.srv.logf("platform: %v: note the replay of %s: %v", ErrStorage, id, err)
				return
			}
			sh.mu.Lock()
			sh.replayReady = true
			sh.mu.Unlock()
			sh.srv.logf("platform: show %s: replay ready (%v)", id, length.Round(time.Second))
		}()
	}
}

// loadReplayLocked notes whether the show's replay is ready.
func (sh *show) loadReplayLocked() {
	var n int
	_ = sh.srv.db.QueryRow(`SELECT COUNT(*) FROM replays WHERE show_id = ? AND ready = 1`, sh.row.ID).Scan(&n)
	sh.replayReady = n > 0
}

// replayURLLocked is the replay's address for the public, once it is ready.
func (sh *show) replayURLLocked(base string) string {
	if !sh.replayReady || sh.row.State != platform.StateEnded {
		return ""
	}
	return base + "/replays/" + sh.row.ID + ".mp4"
}

// handleReplay serves a replay with byte ranges, so players seek.
func (s *Server) handleReplay(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	id := name[:len(name)-len(filepath.Ext(name))]
	if filepath.Ext(name) != ".mp4" {
		return fail(ErrNotFound, "there is no replay %q", name)
	}
	sh, err := s.lookup(id)
	if err != nil {
		return err
	}
	sh.mu.Lock()
	ready := sh.replayReady && sh.row.State == platform.StateEnded
	sh.mu.Unlock()
	if !ready {
		return fail(ErrNotFound, "the replay of show %s is not ready: it appears a few seconds after the show ends", id)
	}
	f, err := os.Open(filepath.Join(s.replayDir(), id+".mp4"))
	if err != nil {
		return fail(ErrNotFound, "the replay of show %s is missing from the platform's data directory", id)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w: read the replay of %s: %v", ErrStorage, id, err)
	}
	w.Header().Set("Content-Type", "video/mp4")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, "", st.ModTime(), f)
	return nil
}
