// Package guest brings a co-host (连麦嘉宾) into the studio's program: it
// receives the guest from the platform over WHEP (pion), decodes the picture
// (VP8, libvpx through mediadevices) and the sound (Opus, libopus), and
// offers both as capture sources the scene and the mixer take like a camera
// and a microphone. A guest who drops is shown as a card with their name
// until they come back; the receiver reconnects by itself.
//
// VP8 rather than H.264: every browser can send VP8 (it is mandatory in
// WebRTC), Chromium builds without a licensed H.264 encoder cannot send
// H.264, and mediadevices' libvpx decoder is the only decoder among the
// project's libraries; libvpx is already a build dependency.
package guest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/rtcp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"

	"showcaster/capture"
	"showcaster/internal/clock"
	"showcaster/scene/overlay"
)

// Errors of this package.
var (
	// ErrClosed: the receiver was closed.
	ErrClosed = errors.New("the guest receiver is closed")
	// ErrRefused: the platform refused the WHEP request (wrong token, removed guest).
	ErrRefused = errors.New("the platform refused to send the guest: check the studio token, or invite the guest again")
	// ErrBadLink: not a guest link.
	ErrBadLink = errors.New("this is not a guest link: paste the whole link the host sent (…/guest/SHOW/GUEST?t=…)")
	// ErrDecode: the decoder could not start.
	ErrDecode = errors.New("the guest's picture or sound cannot be decoded: check that libvpx and libopus are installed (make deps)")
	// ErrNoGuestCodecs: this build (Windows, for now) has no VP8 or Opus
	// decoder for guests' streams.
	ErrNoGuestCodecs = errors.New("co-hosting is not available in the Windows build of Showcaster yet: it cannot decode the guests' video and sound. Invite guests from the Linux or macOS studio")
)

// Config describes one guest to receive.
type Config struct {
	// WHEPURL is /whep/{show}/guests/{gid} on the platform; Token the studio token.
	WHEPURL, Token string
	// Name is shown on the card while the guest is away.
	Name string
	// Width, Height: the card's size (the guest's own frames keep theirs); default 1280×720.
	Width, Height int
	// Clock paces the card and the retries; default the wall clock.
	Clock clock.Clock
	// Fonts draw the name; nil finds a Chinese-capable system font.
	Fonts *overlay.Fonts
	// HTTP is the client for WHEP; default http.DefaultClient.
	HTTP *http.Client
	// API is the WebRTC stack; default one with VP8 and Opus on loopback and LAN.
	API *webrtc.API
	// Logf receives diagnostics; default silent.
	Logf func(format string, args ...any)
}

// Stats are the receiver's counters.
type Stats struct {
	Connected     bool
	Connects      int64
	Frames        int64         // pictures decoded
	DecodeTime    time.Duration // summed over Frames
	AudioChunks   int64
	AudioPeak     float64 // the loudest sample of the last second, 0…1
	Width, Height int     // the guest's last picture
}

// Receiver receives one guest until Close.
type Receiver struct {
	cfg    Config
	clk    clock.Clock
	logf   func(string, ...any)
	card   *image.YCbCr
	video  *videoSource
	audio  *audioSource
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	lastFrame atomic.Int64 // clock time of the last decoded picture, ns
	connects  atomic.Int64
	frames    atomic.Int64
	decodeNs  atomic.Int64
	chunks    atomic.Int64
	peak      atomic.Int64 // of the current second, and the previous one's
	lastPeak  atomic.Int64
	size      atomic.Uint64
}

// Start connects in the background and keeps reconnecting until Close.
func Start(cfg Config) (*Receiver, error) {
	if cfg.Width <= 0 || cfg.Height <= 0 {
		cfg.Width, cfg.Height = 1280, 720
	}
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if cfg.API == nil {
		api, err := defaultAPI()
		if err != nil {
			return nil, err
		}
		cfg.API = api
	}
	r := &Receiver{cfg: cfg, clk: clock.OrReal(cfg.Clock), logf: cfg.Logf, done: make(chan struct{})}
	r.card = nameCard(cfg.Width, cfg.Height, cfg.Name, cfg.Fonts)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.video = &videoSource{r: r, frames: make(chan capture.VideoFrame, 2)}
	r.audio = &audioSource{r: r, chunks: make(chan capture.AudioChunk, 25)}
	go r.run()
	return r, nil
}

// Video is the guest's picture (the name card while away). The engine owns it once given.
func (r *Receiver) Video() capture.VideoSource { return r.video }

// Audio is the guest's sound (nothing while away).
func (r *Receiver) Audio() capture.AudioSource { return r.audio }

// awayAfter is how long without a picture makes the guest away (the name card shows).
const awayAfter = time.Second

// Connected says whether the guest's pictures are arriving now.
func (r *Receiver) Connected() bool {
	last := r.lastFrame.Load()
	return last != 0 && r.clk.Now().Sub(time.Unix(0, last)) < awayAfter
}

// Stats reads the counters.
func (r *Receiver) Stats() Stats {
	sz := r.size.Load()
	return Stats{Connected: r.Connected(), Connects: r.connects.Load(), Frames: r.frames.Load(),
		DecodeTime: time.Duration(r.decodeNs.Load()), AudioChunks: r.chunks.Load(),
		AudioPeak: float64(max(r.peak.Load(), r.lastPeak.Load())) / 32768, Width: int(sz >> 32), Height: int(sz & 0xffffffff)}
}

// Close stops receiving; the sources then end with ErrClosed.
func (r *Receiver) Close() error {
	r.cancel()
	<-r.done
	return nil
}

func defaultAPI() (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{PayloadType: 96, RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeVP8, ClockRate: 90000,
		RTCPFeedback: []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"}}}}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecode, err)
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{PayloadType: 111, RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecode, err)
	}
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)), nil
}

// run connects, waits for the session to end, and tries again with backoff.
func (r *Receiver) run() {
	defer close(r.done)
	reconnect(r.ctx, r.clk, r.session, func(err error) { r.logf("guest %s: %v", r.cfg.Name, err) })
}

// session is one WHEP session: it returns when the connection ends.
func (r *Receiver) session() error {
	pc, err := r.cfg.API.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return err
	}
	defer pc.Close()
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			return err
		}
	}
	ended := make(chan struct{})
	var once sync.Once
	end := func() { once.Do(func() { close(ended) }) }
	var tracks sync.WaitGroup
	pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		tracks.Add(1)
		defer tracks.Done()
		if t.Kind() == webrtc.RTPCodecTypeVideo {
			r.readVideo(pc, t)
		} else {
			r.readAudio(t)
		}
	})
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			r.connects.Add(1)
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed, webrtc.PeerConnectionStateDisconnected:
			end()
		}
	})
	resource, err := r.offer(pc)
	if err != nil {
		return err
	}
	defer r.release(resource)
	select {
	case <-r.ctx.Done():
	case <-ended:
	}
	pc.Close()
	tracks.Wait()
	return nil
}

func (r *Receiver) offer(pc *webrtc.PeerConnection) (string, error) {
	return signal(r.ctx, r.cfg.HTTP, pc, r.cfg.WHEPURL, r.cfg.Token)
}

// signal does one WHIP/WHEP exchange: the complete offer, 201 with the answer; it returns the session's URL.
func signal(ctx context.Context, hc *http.Client, pc *webrtc.PeerConnection, endpoint, token string) (string, error) {
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return "", err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		return "", err
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewBufferString(pc.LocalDescription().SDP))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/sdp")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("reach the platform for the guest: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("%w (%d: %s)", ErrRefused, res.StatusCode, bytes.TrimSpace(body))
	}
	base, _ := url.Parse(endpoint)
	loc, err := base.Parse(res.Header.Get("Location"))
	if err != nil {
		return "", err
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)}); err != nil {
		return "", err
	}
	return loc.String(), nil
}

func (r *Receiver) release(resource string) { release(r.cfg.HTTP, resource, r.cfg.Token) }

// release ends a WHIP/WHEP session.
func release(hc *http.Client, resource, token string) {
	req, err := http.NewRequest(http.MethodDelete, resource, nil)
	if err != nil {
		return
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if res, err := hc.Do(req); err == nil {
		res.Body.Close()
	}
}

// frameReader hands the decoder one whole VP8 frame per Read.
type frameReader struct{ next []byte }

func (f *frameReader) Read(p []byte) (int, error) {
	if f.next == nil {
		return 0, io.EOF
	}
	n := copy(p, f.next)
	f.next = nil
	return n, nil
}

func (r *Receiver) readVideo(pc *webrtc.PeerConnection, t *webrtc.TrackRemote) {
	fr := &frameReader{}
	dec, err := newVP8Decoder(fr, prop.Media{Video: prop.Video{Width: r.cfg.Width, Height: r.cfg.Height}})
	if err != nil {
		r.logf("guest %s: %v: %v", r.cfg.Name, ErrDecode, err)
		return
	}
	defer dec.Close()
	sb := samplebuilder.New(128, &codecs.VP8Packet{}, 90000)
	pli := func() { _ = pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(t.SSRC())}}) }
	pli()
	for {
		pkt, _, err := t.ReadRTP()
		if err != nil {
			return
		}
		sb.Push(pkt)
		for s := sb.Pop(); s != nil; s = sb.Pop() {
			if s.PrevDroppedPackets > 0 {
				pli()
			}
			if r.decodeFrame(dec, fr, s.Data) != nil {
				pli()
			}
		}
	}
}

// decodeFrame decodes one frame and hands the picture to the video source.
func (r *Receiver) decodeFrame(dec codec.VideoDecoder, fr *frameReader, data []byte) error {
	fr.next = data
	start := time.Now() // decode cost, a measurement of CPU work rather than of show time
	img, release, err := dec.Read()
	if err != nil {
		return err
	}
	release()
	y, ok := img.(*image.YCbCr)
	if !ok || y.Rect.Dx()%2 != 0 || y.Rect.Dy()%2 != 0 {
		return nil
	}
	r.decodeNs.Add(int64(time.Since(start)))
	r.frames.Add(1)
	r.size.Store(uint64(y.Rect.Dx())<<32 | uint64(y.Rect.Dy()))
	r.lastFrame.Store(r.clk.Now().UnixNano())
	r.video.offer(capture.VideoFrame{Image: y, Time: r.clk.Now()})
	return nil
}

func (r *Receiver) readAudio(t *webrtc.TrackRemote) {
	dec, err := newOpusDecoder(capture.SampleRate, 2)
	if err != nil {
		r.logf("guest %s: %v: %v", r.cfg.Name, ErrDecode, err)
		return
	}
	pcm := make([]int16, 2*capture.SampleRate*120/1000) // the longest Opus packet: 120 ms
	for {
		pkt, _, err := t.ReadRTP()
		if err != nil {
			return
		}
		if len(pkt.Payload) == 0 {
			continue
		}
		n, err := dec.Decode(pkt.Payload, pcm)
		if err != nil || n == 0 {
			continue
		}
		var pk int64
		for _, v := range pcm[:2*n] {
			pk = max(pk, int64(v), -int64(v))
		}
		if r.chunks.Add(1)%50 == 0 {
			r.lastPeak.Store(r.peak.Swap(pk))
		} else if pk > r.peak.Load() {
			r.peak.Store(pk)
		}
		r.audio.offer(capture.AudioChunk{Samples: append([]int16(nil), pcm[:2*n]...), Channels: 2, Time: r.clk.Now()})
	}
}

// videoSource delivers the guest's pictures, or the name card every 200 ms while away.
type videoSource struct {
	r      *Receiver
	frames chan capture.VideoFrame
	closed atomic.Bool
}

func (v *videoSource) offer(f capture.VideoFrame) {
	select {
	case v.frames <- f:
	default: // the scene is behind: keep the newest
		select {
		case <-v.frames:
		default:
		}
		select {
		case v.frames <- f:
		default:
		}
	}
}

func (v *videoSource) Info() capture.DeviceInfo {
	return capture.DeviceInfo{ID: "guest:" + v.r.cfg.Name, Kind: capture.KindVideo, Label: v.r.cfg.Name}
}

func (v *videoSource) Read() (capture.VideoFrame, error) {
	for {
		if v.closed.Load() {
			return capture.VideoFrame{}, ErrClosed
		}
		select {
		case f := <-v.frames:
			return f, nil
		case <-v.r.clk.After(200 * time.Millisecond):
			if !v.r.Connected() {
				return capture.VideoFrame{Image: v.r.card, Time: v.r.clk.Now()}, nil
			}
		case <-v.r.ctx.Done():
			return capture.VideoFrame{}, ErrClosed
		}
	}
}

// Close closes the source; the receiver goes on until its own Close.
func (v *videoSource) Close() error {
	v.closed.Store(true)
	return nil
}

type audioSource struct {
	r      *Receiver
	chunks chan capture.AudioChunk
	closed atomic.Bool
}

func (a *audioSource) offer(c capture.AudioChunk) {
	select {
	case a.chunks <- c:
	default: // the mixer is behind: drop the oldest, keep the delay short
		select {
		case <-a.chunks:
		default:
		}
		select {
		case a.chunks <- c:
		default:
		}
	}
}

func (a *audioSource) Info() capture.DeviceInfo {
	return capture.DeviceInfo{ID: "guest:" + a.r.cfg.Name, Kind: capture.KindAudio, Label: a.r.cfg.Name}
}

func (a *audioSource) Read() (capture.AudioChunk, error) {
	for {
		if a.closed.Load() {
			return capture.AudioChunk{}, ErrClosed
		}
		select {
		case c := <-a.chunks:
			return c, nil
		case <-a.r.ctx.Done():
			return capture.AudioChunk{}, ErrClosed
		}
	}
}

func (a *audioSource) Close() error {
	a.closed.Store(true)
	return nil
}

// nameCard is the placeholder while a guest is away: a dark card with the name.
func nameCard(w, h int, name string, fonts *overlay.Fonts) *image.YCbCr {
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(rgba.Pix); i += 4 {
		rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2], rgba.Pix[i+3] = 0x26, 0x29, 0x33, 0xff
	}
	if fonts == nil {
		fonts, _ = overlay.NewFonts(overlay.FontConfig{})
	}
	if fonts != nil {
		big := fonts.Face(float64(h)/9, true)
		small := fonts.Face(float64(h)/22, false)
		line := big.Ellipsize(name, float64(w)*0.9)
		big.Draw(rgba, (float64(w)-big.Measure(line))/2, float64(h)*0.5, line, color.RGBA{0xee, 0xf0, 0xf4, 0xff})
		sub := "连线中… · reconnecting…"
		small.Draw(rgba, (float64(w)-small.Measure(sub))/2, float64(h)*0.64, sub, color.RGBA{0x9a, 0xa3, 0xb2, 0xff})
	}
	img, err := capture.ToI420(rgba)
	if err != nil {
		return capture.NewI420(w, h)
	}
	return img
}
