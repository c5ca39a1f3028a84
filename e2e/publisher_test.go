package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"showcaster/app"
	"showcaster/capture"
	"showcaster/scene"
)

// pubConfig is the picture the test publisher sends.
type pubConfig struct {
	Width, Height, FPS int
	BitrateBps         int
	// SoundCode sends the sound time code (soundcode_test.go) instead of the tone.
	SoundCode bool
}

// publisher is the studio's engine (app.Engine) publishing the capture test
// pattern and tone over WHIP, as `showcaster live --source test` does: the
// picture carries the burned-in time code the page reads.
type publisher struct {
	eng    *app.Engine
	cancel context.CancelFunc
	once   sync.Once
}

// startPublisher publishes until the test ends (or stop is called).
func startPublisher(t testing.TB, whipURL, token string, cfg pubConfig) *publisher {
	t.Helper()
	eng, err := app.NewEngine(app.EngineConfig{
		Width: cfg.Width, Height: cfg.Height, FPS: cfg.FPS,
		BitrateKbps: cfg.BitrateBps / 1000, MaxKbps: cfg.BitrateBps / 1000,
		LoopbackOnly: true,
	})
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	eng.SetVideo(scene.LayoutFull, capture.NewTestPattern(capture.TestPatternConfig{Width: cfg.Width, Height: cfg.Height, FPS: cfg.FPS}), nil)
	var sound capture.AudioSource = capture.NewTone(capture.ToneConfig{})
	if cfg.SoundCode {
		sound = newSoundCode()
	}
	if err := eng.SetAudio("tone", sound); err != nil {
		eng.Close()
		t.Fatalf("engine audio: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	eng.Start(ctx)
	pctx, pcancel := context.WithTimeout(ctx, eventDeadline)
	defer pcancel()
	if err := eng.Publish(pctx, whipURL, token); err != nil {
		cancel()
		eng.Close()
		t.Fatalf("publish to %s: %v", whipURL, err)
	}
	p := &publisher{eng: eng, cancel: cancel}
	t.Cleanup(p.stop)
	return p
}

// stop ends the WHIP session (DELETE) and the engine.
func (p *publisher) stop() {
	p.once.Do(func() {
		p.eng.StopPublishing()
		p.cancel()
		p.eng.Close()
	})
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
	hc := http.DefaultClient
	if token == "" && strings.Contains(endpoint, "/whep/") {
		// Playback needs a viewer cookie: open the show's viewer page first, as a browser would.
		jar, _ := cookiejar.New(nil)
		hc = &http.Client{Jar: jar, Timeout: 30 * time.Second}
		page, err := hc.Get(strings.Replace(endpoint, "/whep/", "/watch/", 1))
		if err != nil {
			return "", err
		}
		page.Body.Close()
	}
	res, err := hc.Do(req)
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

// deleteResource ends a WHIP or WHEP session; token (WHIP) may be empty.
func deleteResource(resource, token string) {
	if resource == "" {
		return
	}
	req, _ := http.NewRequest(http.MethodDelete, resource, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
}
