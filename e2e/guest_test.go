package e2e

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pion/webrtc/v4"

	"showcaster/platform"
)

// guestReceiver is the studio's side of a guest: WHEP with the studio token,
// counting the guest's video frames and sound packets.
type guestReceiver struct {
	pc       *webrtc.PeerConnection
	resource string
	frames   atomic.Int64
	audio    atomic.Int64
	codec    atomic.Value
}

func receiveGuest(t testing.TB, whepURL, token string) *guestReceiver {
	t.Helper()
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	g := &guestReceiver{pc: pc}
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		video := tr.Kind() == webrtc.RTPCodecTypeVideo
		if video {
			g.codec.Store(tr.Codec().MimeType)
		}
		var last uint32
		buf := make([]byte, 1500)
		for {
			n, _, err := tr.Read(buf)
			if err != nil {
				return
			}
			if n < 12 {
				continue
			}
			if !video {
				g.audio.Add(1)
				continue
			}
			if ts := uint32(buf[4])<<24 | uint32(buf[5])<<16 | uint32(buf[6])<<8 | uint32(buf[7]); ts != last {
				last = ts
				g.frames.Add(1)
			}
		}
	})
	loc, err := offerAnswer(pc, whepURL, token)
	if err != nil {
		pc.Close()
		t.Fatalf("receive the guest at %s: %v", whepURL, err)
	}
	g.resource = loc
	t.Cleanup(func() { deleteResource(g.resource, token); pc.Close() })
	return g
}

// waitCount waits until counter passes n (frames or packets arriving).
func waitCount(t testing.TB, what string, c *atomic.Int64, n int64) {
	t.Helper()
	end := time.Now().Add(playDeadline)
	for c.Load() < n {
		if time.Now().After(end) {
			t.Fatalf("waited %v for %s: %d of %d", playDeadline, what, c.Load(), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestGuestJoinsFromBrowser: the studio invites a guest; Chromium with its
// fake camera and microphone opens the link, joins, and the studio receives
// the guest's picture (VP8) and sound over WHEP; the guest leaves and joins
// again, rejoins by itself after a drop, and the removed link stops working.
func TestGuestJoinsFromBrowser(t *testing.T) {
	b := newBrowser(t, chromedp.Flag("use-fake-device-for-media-stream", true), chromedp.Flag("use-fake-ui-for-media-stream", true))
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("连麦测试 · co-hosting")
	st.goLive(show.ID)
	events := st.events(show.ID)

	ctx, cancel := st.ctx()
	defer cancel()
	g, err := st.c.InviteGuest(ctx, show.ID, "小李")
	st.check("invite a guest", err)
	if g.ID == "" || !strings.Contains(g.URL, "/guest/"+show.ID+"/"+g.ID+"?t=") {
		t.Fatalf("guest link: %+v", g)
	}
	// The guest's secret opens no studio call.
	secret := g.URL[strings.Index(g.URL, "?t=")+3:]
	req, _ := http.NewRequest(http.MethodGet, p.url+"/api/shows", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a guest's secret on a studio call: %v %v", res, err)
	}

	rx := receiveGuest(t, st.c.GuestWHEPURL(show.ID, g.ID), p.token)
	tb := b.newTab("guest")
	tb.navigate(g.URL)
	const state = `JSON.stringify(Object.assign({}, __guest, {status: document.getElementById("status").innerText}))`
	tb.waitFor("the self-preview and the Join button", `__guest.state === "ready" && !document.getElementById("join").disabled`, playDeadline, state)
	if n := mustEval[int](tb, `document.getElementById("camera").options.length`); n < 1 {
		t.Fatalf("the device picker lists no camera")
	}
	mustEval[bool](tb, `document.getElementById("join").click(), true`)
	tb.waitFor("the guest on air", `__guest.state === "joined"`, playDeadline, state)
	events.wait("guest_joined", func(e platform.Event) bool {
		return e.Type == platform.EventGuestJoined && e.Guest != nil && e.Guest.ID == g.ID
	})
	waitCount(t, "the guest's picture at the studio", &rx.frames, 30)
	waitCount(t, "the guest's sound at the studio", &rx.audio, 50)
	if c, _ := rx.codec.Load().(string); !strings.EqualFold(c, webrtc.MimeTypeVP8) {
		t.Fatalf("the guest's picture arrives as %q, want VP8", c)
	}

	// Leave, then join again.
	mustEval[bool](tb, `document.getElementById("leave").click(), true`)
	events.wait("guest_left", func(e platform.Event) bool {
		return e.Type == platform.EventGuestLeft && e.Guest != nil && e.Guest.ID == g.ID
	})
	tb.waitFor("Join offered again", `__guest.state === "left" && !document.getElementById("join").disabled`, eventDeadline, state)
	before := rx.frames.Load()
	mustEval[bool](tb, `document.getElementById("join").click(), true`)
	tb.waitFor("the guest on air again", `__guest.state === "joined" && __guest.joins === 2`, playDeadline, state)
	waitCount(t, "the guest's picture after rejoining", &rx.frames, before+30)

	// A drop: the page rejoins by itself.
	mustEval[bool](tb, `__guest.dropConnection(), true`)
	tb.waitFor("the guest back by themself", `__guest.state === "joined" && __guest.joins === 3`, playDeadline, state)
	before = rx.frames.Load()
	waitCount(t, "the guest's picture after the drop", &rx.frames, before+30)

	// Removed: the link ends, and the page says so.
	ctx2, cancel2 := st.ctx()
	defer cancel2()
	st.check("remove the guest", st.c.RemoveGuest(ctx2, show.ID, g.ID))
	tb.waitFor("the page telling the guest the link ended", `__guest.state === "ended"`, playDeadline, state)
	res, err := http.Get(g.URL)
	if err != nil || res.StatusCode != http.StatusNotFound {
		t.Fatalf("the removed guest's link: %v %v", res, err)
	}
	res.Body.Close()
}
