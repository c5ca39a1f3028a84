package guest

import (
	"context"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"showcaster/capture"
	"showcaster/encode"
	"showcaster/internal/clock"
	"showcaster/scene"
)

// Two studios (anchor-to-anchor 连麦): a studio joins another's show as its
// guest, sending its own program. A guest link's WHIP takes VP8 and Opus, so
// the Sender encodes the program's pictures with libvpx on its own (the
// studio's H.264 outputs go on as they are) and its sound with Opus.

// GuestLink is what a guest link says: where to publish and with which secret.
type GuestLink struct {
	WHIPURL, Secret string
}

// ParseGuestLink reads a link of the form http(s)://HOST/guest/{show}/{gid}?t=SECRET.
func ParseGuestLink(link string) (GuestLink, error) {
	u, err := url.Parse(link)
	if err != nil {
		return GuestLink{}, fmt.Errorf("%w: %v", ErrBadLink, err)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	secret := u.Query().Get("t")
	if len(parts) != 3 || parts[0] != "guest" || secret == "" || u.Host == "" {
		return GuestLink{}, ErrBadLink
	}
	base := u.Scheme + "://" + u.Host
	return GuestLink{WHIPURL: base + "/whip/" + url.PathEscape(parts[1]) + "/guests/" + url.PathEscape(parts[2]), Secret: secret}, nil
}

// SenderConfig describes the program a studio sends as a guest.
type SenderConfig struct {
	Link GuestLink
	// Frames are the program's pictures (a scene sink's channel).
	Frames        <-chan *scene.Frame
	Width, Height int
	FPS           int
	BitrateBps    int // default 1.5 Mbps
	Clock         clock.Clock
	HTTP          *http.Client
	API           *webrtc.API
	Logf          func(format string, args ...any)
}

// Sender publishes a studio's program to a guest link until Close.
type Sender struct {
	cfg    SenderConfig
	clk    clock.Clock
	audio  chan capture.AudioChunk
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu        sync.Mutex
	connected bool
	frames    int64
}

// StartSender starts sending; it reconnects by itself.
func StartSender(cfg SenderConfig) (*Sender, error) {
	if cfg.BitrateBps <= 0 {
		cfg.BitrateBps = 1_500_000
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
	s := &Sender{cfg: cfg, clk: clock.OrReal(cfg.Clock), audio: make(chan capture.AudioChunk, 10), done: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	go s.run()
	return s, nil
}

// WriteAudio hands the program's sound to the sender; it never blocks (an
// engine's audio tap calls it).
func (s *Sender) WriteAudio(c capture.AudioChunk) {
	select {
	case s.audio <- c:
	default:
	}
}

// Connected says whether the guest session is up; Frames how many pictures went out.
func (s *Sender) Connected() (bool, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected, s.frames
}

// Close stops sending.
func (s *Sender) Close() error {
	s.cancel()
	<-s.done
	return nil
}

func (s *Sender) run() {
	defer close(s.done)
	reconnect(s.ctx, s.clk, s.session, func(err error) { s.cfg.Logf("guest sender: %v", err) })
}

func (s *Sender) session() error {
	pc, err := s.cfg.API.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return err
	}
	defer pc.Close()
	vt, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "showcaster-guest")
	if err != nil {
		return err
	}
	at, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "showcaster-guest")
	if err != nil {
		return err
	}
	for _, t := range []*webrtc.TrackLocalStaticSample{vt, at} {
		if _, err := pc.AddTransceiverFromTrack(t, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
			return err
		}
	}
	ended := make(chan struct{})
	var once sync.Once
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			s.mu.Lock()
			s.connected = true
			s.mu.Unlock()
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed, webrtc.PeerConnectionStateDisconnected:
			once.Do(func() { close(ended) })
		}
	})
	resource, err := signal(s.ctx, s.cfg.HTTP, pc, s.cfg.Link.WHIPURL, s.cfg.Link.Secret)
	if err != nil {
		return fmt.Errorf("join as a guest: %w", err)
	}
	defer release(s.cfg.HTTP, resource, s.cfg.Link.Secret)
	defer func() {
		s.mu.Lock()
		s.connected = false
		s.mu.Unlock()
	}()

	// The encoder pulls pictures: each Read of the reader is the next program frame.
	frames := make(chan *image.YCbCr, 1)
	reader := video.ReaderFunc(func() (image.Image, func(), error) {
		select {
		case img := <-frames:
			return img, func() {}, nil
		case <-s.ctx.Done():
			return nil, nil, io.EOF
		case <-ended:
			return nil, nil, io.EOF
		}
	})
	enc, err := newVP8Encoder(reader, s.cfg.BitrateBps, 2*max(s.cfg.FPS, 1), prop.Media{Video: prop.Video{Width: s.cfg.Width, Height: s.cfg.Height, FrameRate: float32(s.cfg.FPS)}})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrDecode, err)
	}
	defer enc.Close()
	go s.sendVideo(enc, vt)
	go readRTCP(pc, enc)
	opus, err := encode.NewOpus(encode.OpusConfig{Channels: 2, BitrateBps: 64_000})
	if err != nil {
		return err
	}
	defer opus.Close()
	for {
		select {
		case <-s.ctx.Done():
			return nil
		case <-ended:
			return nil
		case f, ok := <-s.cfg.Frames:
			if !ok {
				return nil
			}
			img := copyI420(f.Image)
			f.Release()
			select {
			case frames <- img:
			default: // the encoder is behind: this frame is skipped
			}
		case c := <-s.audio:
			pkts, err := opus.Encode(c)
			if err != nil {
				return err
			}
			for _, p := range pkts {
				_ = at.WriteSample(media.Sample{Data: p.Data, Duration: p.Duration})
			}
		}
	}
}

func (s *Sender) sendVideo(enc codec.ReadCloser, vt *webrtc.TrackLocalStaticSample) {
	dur := time.Second / time.Duration(max(s.cfg.FPS, 1))
	for {
		b, release, err := enc.Read()
		if err != nil {
			return
		}
		_ = vt.WriteSample(media.Sample{Data: b, Duration: dur})
		release()
		s.mu.Lock()
		s.frames++
		s.mu.Unlock()
	}
}

// readRTCP answers the studio's keyframe requests.
func readRTCP(pc *webrtc.PeerConnection, enc codec.ReadCloser) {
	for _, sender := range pc.GetSenders() {
		go func(snd *webrtc.RTPSender) {
			for {
				pkts, _, err := snd.ReadRTCP()
				if err != nil {
					return
				}
				for _, p := range pkts {
					switch p.(type) {
					case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
						if kf, ok := enc.Controller().(codec.KeyFrameController); ok {
							_ = kf.ForceKeyFrame()
						}
					}
				}
			}
		}(sender)
	}
}

// copyI420 copies a program picture (the scene reuses its buffers).
func copyI420(src *image.YCbCr) *image.YCbCr {
	dst := capture.NewI420(src.Rect.Dx(), src.Rect.Dy())
	copy(dst.Y, src.Y)
	copy(dst.Cb, src.Cb)
	copy(dst.Cr, src.Cr)
	return dst
}
