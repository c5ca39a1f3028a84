package server

import (
	"net/http"

	"github.com/pion/webrtc/v4"

	"runtime"
	"showcaster/internal/clock"
	"strings"
	"testing"
)

// BenchmarkWHEPFlood posts 300 WHEP offers that never connect (100 viewer
// cookies, 3 offers each) and reports how many sessions the platform holds
// and its heap growth (the probe of docs/security.md, row 2).
//
//	go test ./platform/server -run '^$' -bench WHEPFlood -benchtime 1x
func BenchmarkWHEPFlood(b *testing.B) {
	for n := 0; n < b.N; n++ {
		p := startPlatform(b, b.TempDir(), clock.NewFake(epoch))
		s, _ := p.liveShow("洪水")
		sdp := benchOffer(b, peerAPI(b))
		viewers := make([]*viewer, 100)
		for i := range viewers {
			viewers[i] = p.newViewer(s.ID, "")
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		refused := 0
		for _, v := range viewers {
			for k := 0; k < 3; k++ {
				req, _ := http.NewRequest("POST", v.base+"/whep/"+s.ID, strings.NewReader(sdp))
				req.Header.Set("Content-Type", "application/sdp")
				resp, err := v.hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					refused++
				}
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		sh, _ := p.srv.lookup(s.ID)
		b.ReportMetric(float64(sh.relay.viewerCount()), "sessions")
		b.ReportMetric(float64(refused), "refused")
		b.ReportMetric(float64(int64(ms.HeapInuse)-int64(base))/1e6, "heapMB")
		p.srv.Close()
	}
}

// benchOffer is a complete recvonly offer from a peer that goes away at once.
func benchOffer(b *testing.B, api *webrtc.API) string {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		b.Fatal(err)
	}
	defer pc.Close()
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			b.Fatal(err)
		}
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		b.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		b.Fatal(err)
	}
	<-gathered
	return pc.LocalDescription().SDP
}
