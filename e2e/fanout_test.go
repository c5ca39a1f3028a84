package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"showcaster/capture"
	"showcaster/encode"
	"showcaster/internal/cputime"
)

var (
	fanoutRun     = flag.Bool("fanout", false, "run TestViewerFanout: how many WHEP viewers one show holds at 30 fps (or SHOWCASTER_FANOUT=1)")
	fanoutSteps   = flag.String("fanout.viewers", "10,25,50,75,100,150,200", "viewer counts TestViewerFanout tries, in order")
	fanoutWindow  = flag.Duration("fanout.window", 10*time.Second, "how long each step of TestViewerFanout measures")
	fanoutMinRate = flag.Float64("fanout.minfps", 29, "the frame rate every viewer must receive for a step to hold")
)

// loopPublisher sends a pre-encoded 2-second loop of the 720p30 test pattern
// (one keyframe, 59 predicted frames) at 30 fps, so the machine's CPU goes to
// the platform and its viewers, not to x264.
type loopPublisher struct {
	sent     atomic.Int64 // frames written
	kbps     int          // the loop's bitrate
	cancel   context.CancelFunc
	done     chan struct{}
	resource string
}

func startLoopPublisher(t testing.TB, whipURL, token string) *loopPublisher {
	t.Helper()
	const fps = 30
	h264, err := encode.NewH264(encode.H264Config{Width: 1280, Height: 720, FPS: fps, BitrateBps: 2_500_000, KeyframeInterval: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	src := capture.NewTestPattern(capture.TestPatternConfig{Width: 1280, Height: 720, FPS: fps})
	lp := &loopPublisher{}
	var loop [][]byte
	rng := rand.New(rand.NewPCG(1, 2))
	var loopBytes int
	for i := range 2 * fps {
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		// Film grain over the bars: the test pattern alone compresses to a
		// trickle, and the relay's cost follows the bytes it forwards.
		for j := range f.Image.Y {
			f.Image.Y[j] = uint8(max(16, min(235, int(f.Image.Y[j])+int(rng.IntN(49))-24)))
		}
		pkt, err := h264.Encode(f.Image, time.Duration(i)*time.Second/fps, f.Time)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && !pkt.Keyframe {
			t.Fatal("the loop does not start with a keyframe")
		}
		loop = append(loop, slices.Clone(pkt.Data))
		loopBytes += len(pkt.Data)
		if r, ok := src.(interface{ Recycle(*image.YCbCr) }); ok {
			r.Recycle(f.Image)
		}
	}
	src.Close()
	h264.Close()
	lp.kbps = loopBytes * 8 / 2 / 1000
	t.Logf("publishing a %d kbps loop of %d frames", lp.kbps, len(loop))

	track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + h264.ProfileLevelID(),
	}, "video", "showcaster")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		t.Fatal(err)
	}
	var restart atomic.Bool // a viewer's PLI: start the loop over at its keyframe
	go func() {
		for {
			pkts, _, err := tr.Sender().ReadRTCP()
			if err != nil {
				return
			}
			for _, pk := range pkts {
				switch pk.(type) {
				case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
					restart.Store(true)
				}
			}
		}
	}()
	loc, err := offerAnswer(pc, whipURL, token)
	if err != nil {
		pc.Close()
		t.Fatalf("WHIP publish: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	lp.cancel, lp.done, lp.resource = cancel, make(chan struct{}), loc
	go func() {
		defer close(lp.done)
		tick := time.NewTicker(time.Second / fps)
		defer tick.Stop()
		// Frames are due by the clock, not by ticks: a tick the scheduler
		// delays does not lower the rate, as with a camera's own clock.
		start := time.Now()
		i, sent := 0, 0
		for {
			select {
			case <-ctx.Done():
				deleteResource(lp.resource, token)
				pc.Close()
				return
			case <-tick.C:
			}
			for due := int(time.Since(start)*fps/time.Second) + 1; sent < due; sent++ {
				if restart.Swap(false) {
					i = 0
				}
				_ = track.WriteSample(media.Sample{Data: loop[i%len(loop)], Duration: time.Second / fps})
				lp.sent.Add(1)
				i++
			}
		}
	}()
	t.Cleanup(lp.stop)
	return lp
}

func (lp *loopPublisher) stop() {
	lp.cancel()
	<-lp.done
}

// whepViewer is an in-process viewer: a recvonly peer that counts the video
// frames it receives (a frame is a new RTP timestamp).
type whepViewer struct {
	pc       *webrtc.PeerConnection
	resource string
	frames   atomic.Int64
	bytes    atomic.Int64 // video RTP bytes
}

// dialWHEP plays whepURL in a pion viewer (video and audio, recvonly),
// handing each track to onTrack; it returns the session's location.
func dialWHEP(whepURL string, onTrack func(*webrtc.TrackRemote)) (*webrtc.PeerConnection, string, error) {
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, "", err
	}
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			pc.Close()
			return nil, "", err
		}
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) { onTrack(tr) })
	loc, err := offerAnswer(pc, whepURL, "")
	if err != nil {
		pc.Close()
		return nil, "", err
	}
	return pc, loc, nil
}

func dialViewer(whepURL string) (*whepViewer, error) {
	v := &whepViewer{}
	pc, loc, err := dialWHEP(whepURL, func(tr *webrtc.TrackRemote) {
		video := tr.Kind() == webrtc.RTPCodecTypeVideo
		var last uint32
		first := true
		buf := make([]byte, 1500)
		for {
			n, _, err := tr.Read(buf)
			if err != nil {
				return
			}
			if !video || n < 8 {
				continue
			}
			v.bytes.Add(int64(n))
			ts := uint32(buf[4])<<24 | uint32(buf[5])<<16 | uint32(buf[6])<<8 | uint32(buf[7])
			if first || ts != last {
				first = false
				last = ts
				v.frames.Add(1)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	v.pc, v.resource = pc, loc
	return v, nil
}

func (v *whepViewer) close() {
	deleteResource(v.resource, "")
	v.pc.Close()
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration { return cputime.Self() }

type fanoutStep struct {
	viewers   int
	minFPS    float64
	medianFPS float64
	kbps      float64 // median video bitrate a viewer received
	sentFPS   float64 // what the publisher sent meanwhile
	cpu       float64 // cores busy, whole process
}

// measureFanout holds the current viewers for a window and reports the
// frame rate each received and the CPU the process used.
func measureFanout(pub *loopPublisher, viewers []*whepViewer, window time.Duration) fanoutStep {
	sent0 := pub.sent.Load()
	before := make([]int64, len(viewers))
	beforeBytes := make([]int64, len(viewers))
	for i, v := range viewers {
		before[i] = v.frames.Load()
		beforeBytes[i] = v.bytes.Load()
	}
	c0, t0 := cpuTime(), time.Now()
	time.Sleep(window)
	c1, el := cpuTime(), time.Since(t0)
	step := fanoutStep{viewers: len(viewers), cpu: float64(c1-c0) / float64(el),
		sentFPS: float64(pub.sent.Load()-sent0) / el.Seconds()}
	if len(viewers) == 0 {
		return step
	}
	fps := make([]float64, len(viewers))
	kbps := make([]float64, len(viewers))
	for i, v := range viewers {
		fps[i] = float64(v.frames.Load()-before[i]) / el.Seconds()
		kbps[i] = float64(v.bytes.Load()-beforeBytes[i]) * 8 / 1000 / el.Seconds()
	}
	slices.Sort(fps)
	slices.Sort(kbps)
	step.minFPS, step.medianFPS, step.kbps = fps[0], fps[len(fps)/2], kbps[len(kbps)/2]
	return step
}

// TestViewerFanout finds how many WHEP viewers one show holds at 30 fps on
// this machine, and what each costs in CPU. The platform, the publisher and
// the viewers share one process, so "CPU per viewer" counts both ends of each
// viewer's connection (the platform's packet copy and SRTP encryption, the
// client's decryption): an upper bound for the platform's share.
//
//	go test ./e2e -run TestViewerFanout -v -timeout 20m -args -fanout
func TestViewerFanout(t *testing.T) {
	if !*fanoutRun && os.Getenv("SHOWCASTER_FANOUT") == "" {
		t.Skip("the fan-out benchmark is long: run it with -args -fanout or SHOWCASTER_FANOUT=1 (see docs/benchmarks.md)")
	}
	var steps []int
	for _, s := range strings.Split(*fanoutSteps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			t.Fatalf("-fanout.viewers: bad count %q", s)
		}
		steps = append(steps, n)
	}
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("并发观看 · fan-out")
	ingest := st.goLive(show.ID)
	pub := startLoopPublisher(t, ingest.WHIPURL, ingest.Token)
	whep := p.url + "/whep/" + show.ID

	var viewers []*whepViewer
	var mu sync.Mutex
	t.Cleanup(func() {
		for _, v := range viewers {
			v.close()
		}
	})
	time.Sleep(2 * time.Second) // the publisher's session settles
	base := measureFanout(pub, nil, *fanoutWindow)
	t.Logf("publisher alone: %.2f cores", base.cpu)

	var results []fanoutStep
	for _, n := range steps {
		// Join the new viewers a few at a time, as a show's audience arrives.
		var wg sync.WaitGroup
		var dialErr error
		sem := make(chan struct{}, 4)
		for range n - len(viewers) {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				v, err := dialViewer(whep)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					dialErr = errors.Join(dialErr, err)
					return
				}
				viewers = append(viewers, v)
			}()
		}
		wg.Wait()
		if dialErr != nil {
			t.Fatalf("joining %d viewers: %v", n, dialErr)
		}
		// Every viewer has its first frames (its keyframe came) before measuring.
		end := time.Now().Add(playDeadline)
		for {
			waiting := 0
			for _, v := range viewers {
				if v.frames.Load() < 5 {
					waiting++
				}
			}
			if waiting == 0 {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("%d of %d viewers received no picture", waiting, len(viewers))
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(time.Second)
		r := measureFanout(pub, viewers, *fanoutWindow)
		results = append(results, r)
		perViewer := (r.cpu - base.cpu) / float64(r.viewers) * 1000 // ms of CPU per viewer per second
		t.Logf("%3d viewers: min %.1f fps, median %.1f fps (%.1f sent), %.0f kbps each, process %.2f cores, %.1f ms CPU per viewer-second",
			r.viewers, r.minFPS, r.medianFPS, r.sentFPS, r.kbps, r.cpu, perViewer)
		if r.minFPS < *fanoutMinRate {
			break
		}
	}
	held := 0
	var lines []string
	for _, r := range results {
		ok := r.minFPS >= *fanoutMinRate
		if ok {
			held = r.viewers
		}
		lines = append(lines, fmt.Sprintf("| %d | %.1f | %.1f | %.1f | %.0f | %.2f | %.1f | %v |", r.viewers, r.sentFPS, r.minFPS, r.medianFPS, r.kbps, r.cpu,
			(r.cpu-base.cpu)/float64(r.viewers)*1000, ok))
	}
	fmt.Printf("fan-out (720p30 at %d kbps; publisher alone %.2f cores):\n| viewers | fps sent | min fps | median fps | kbps per viewer | process cores | CPU ms per viewer-second | holds |\n|---|---|---|---|---|---|---|---|\n%s\nholds %d viewers at ≥ %.0f fps\n",
		pub.kbps, base.cpu, strings.Join(lines, "\n"), held, *fanoutMinRate)
}
