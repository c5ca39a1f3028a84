package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"showcaster/capture"
	"showcaster/encode"
)

// pubConfig is the picture the test publisher sends.
type pubConfig struct {
	Width, Height, FPS int
	BitrateBps         int
}

// publisher sends the capture test pattern (x264) and tone (Opus) to a WHIP
// endpoint: the picture carries the burned-in time code the page reads.
type publisher struct {
	t      testing.TB
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	pc       *webrtc.PeerConnection
	resource string
	frames   int
	err      error
}

// startPublisher publishes until the test ends (or stop is called).
func startPublisher(t testing.TB, whipURL, token string, cfg pubConfig) *publisher {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &publisher{t: t, cancel: cancel, done: make(chan struct{})}

	h264, err := encode.NewH264(encode.H264Config{Width: cfg.Width, Height: cfg.Height, FPS: cfg.FPS, BitrateBps: cfg.BitrateBps})
	if err != nil {
		t.Fatalf("x264: %v", err)
	}
	opus, err := encode.NewOpus(encode.OpusConfig{})
	if err != nil {
		t.Fatalf("opus: %v", err)
	}
	video, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{
		MimeType:    webrtc.MimeTypeH264,
		ClockRate:   90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + h264.ProfileLevelID(),
	}, "video", "showcaster")
	if err != nil {
		t.Fatal(err)
	}
	audio, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "showcaster")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	p.pc = pc
	for _, track := range []webrtc.TrackLocal{video, audio} {
		tr, err := pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			t.Fatal(err)
		}
		// Read RTCP so the interceptors see it; a PLI asks for a keyframe.
		go func(s *webrtc.RTPSender) {
			for {
				pkts, _, err := s.ReadRTCP()
				if err != nil {
					return
				}
				for _, pk := range pkts {
					switch pk.(type) {
					case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
						h264.ForceKeyframe()
					}
				}
			}
		}(tr.Sender())
	}
	if err := p.connect(whipURL, token); err != nil {
		pc.Close()
		t.Fatalf("WHIP publish to %s: %v", whipURL, err)
	}

	src := capture.NewTestPattern(capture.TestPatternConfig{Width: cfg.Width, Height: cfg.Height, FPS: cfg.FPS})
	tone := capture.NewTone(capture.ToneConfig{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		start := time.Now()
		for ctx.Err() == nil {
			f, err := src.Read()
			if err != nil {
				return
			}
			pkt, err := h264.Encode(f.Image, f.Time.Sub(start), f.Time)
			if r, ok := src.(interface{ Recycle(*image.YCbCr) }); ok {
				r.Recycle(f.Image)
			}
			if err != nil {
				p.fail(err)
				return
			}
			if err := video.WriteSample(media.Sample{Data: pkt.Data, Duration: pkt.Duration}); err != nil {
				p.fail(err)
				return
			}
			p.mu.Lock()
			p.frames++
			p.mu.Unlock()
		}
	}()
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			chunk, err := tone.Read()
			if err != nil {
				return
			}
			pkts, err := opus.Encode(chunk)
			if err != nil {
				p.fail(err)
				return
			}
			for _, pk := range pkts {
				_ = audio.WriteSample(media.Sample{Data: pk.Data, Duration: pk.Duration})
			}
		}
	}()
	go func() {
		<-ctx.Done()
		src.Close()
		tone.Close()
		wg.Wait()
		h264.Close()
		opus.Close()
		p.release()
		pc.Close()
		close(p.done)
	}()
	t.Cleanup(p.stop)
	return p
}

// connect does the WHIP exchange for the publisher's connection.
func (p *publisher) connect(whipURL, token string) error {
	loc, err := offerAnswer(p.pc, whipURL, token)
	p.resource = loc
	return err
}

// offerAnswer does a WHIP or WHEP exchange (RFC 9725, draft WHEP): the offer
// with every candidate, 201 with the answer and a Location, which it returns
// as an absolute URL. token may be empty (WHEP).
func offerAnswer(pc *webrtc.PeerConnection, endpoint, token string) (string, error) {
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return "", err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		return "", err
	}
	<-gathered
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewBufferString(pc.LocalDescription().SDP))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/sdp")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("status %d: %s", res.StatusCode, body)
	}
	base, _ := url.Parse(endpoint)
	loc, err := base.Parse(res.Header.Get("Location"))
	if err != nil {
		return "", err
	}
	return loc.String(), pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)})
}

// deleteResource ends a WHIP or WHEP session.
func deleteResource(resource string) {
	if resource == "" {
		return
	}
	req, _ := http.NewRequest(http.MethodDelete, resource, nil)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
}

func (p *publisher) release() { deleteResource(p.resource) }

func (p *publisher) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.err = err
	}
}

func (p *publisher) framesSent() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frames
}

// stop ends the session (DELETE) and waits for the goroutines.
func (p *publisher) stop() {
	p.cancel()
	<-p.done
}
