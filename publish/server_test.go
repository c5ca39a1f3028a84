package publish

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"showcaster/encode"
)

// whipServer is a WHIP endpoint built with pion, as a platform would run
// one: it answers offers, receives H.264 and Opus, reads the picture size
// from the SPS and records the HTTP requests it saw.
type whipServer struct {
	t    *testing.T
	http *httptest.Server

	refuse atomic.Int32 // when non-zero, POSTs get this status

	mu       sync.Mutex
	sessions []*serverSession
	byID     map[string]*serverSession
	deletes  []string
	auth     []string
	offers   []string
}

type serverSession struct {
	id string
	pc *webrtc.PeerConnection

	accessUnits atomic.Int64
	keyframes   atomic.Int64
	opus        atomic.Int64
	width       atomic.Int32
	height      atomic.Int32
	videoSSRC   atomic.Uint32
}

func newWHIPServer(t *testing.T) *whipServer {
	t.Helper()
	s := &whipServer{t: t, byID: map[string]*serverSession{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /whip", s.post)
	mux.HandleFunc("DELETE /whip/session/{id}", s.delete)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.http = &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	s.http.Start()
	t.Cleanup(func() {
		s.http.Close()
		s.closeSessions()
	})
	return s
}

func (s *whipServer) url() string { return s.http.URL + "/whip" }

func (s *whipServer) post(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.auth = append(s.auth, r.Header.Get("Authorization"))
	s.mu.Unlock()
	if code := s.refuse.Load(); code != 0 {
		http.Error(w, "server restarting", int(code))
		return
	}
	if r.Header.Get("Content-Type") != "application/sdp" {
		http.Error(w, "want application/sdp", http.StatusUnsupportedMediaType)
		return
	}
	offer, _ := io.ReadAll(r.Body)

	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	s.mu.Lock()
	sess := &serverSession{id: fmt.Sprint(len(s.sessions) + 1), pc: pc}
	s.sessions = append(s.sessions, sess)
	s.byID[sess.id] = sess
	s.offers = append(s.offers, string(offer))
	s.mu.Unlock()

	pc.OnTrack(func(tr *webrtc.TrackRemote, rcv *webrtc.RTPReceiver) {
		// pion's interceptors see incoming RTCP only as it is read: the
		// sender reports must pass through for the receiver reports to
		// carry LSR/DLSR.
		go func() {
			for {
				if _, _, err := rcv.ReadRTCP(); err != nil {
					return
				}
			}
		}()
		switch tr.Kind() {
		case webrtc.RTPCodecTypeVideo:
			sess.videoSSRC.Store(uint32(tr.SSRC()))
			go sess.readVideo(tr)
		case webrtc.RTPCodecTypeAudio:
			go func() {
				for {
					p, _, err := tr.ReadRTP()
					if err != nil {
						return
					}
					if len(p.Payload) > 0 {
						sess.opus.Add(1)
					}
				}
			}()
		}
	})
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: string(offer)}); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	<-gathered
	w.Header().Set("Content-Type", "application/sdp")
	// Relative, as many servers send it; the client resolves it.
	w.Header().Set("Location", "whip/session/"+sess.id)
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, pc.LocalDescription().SDP)
}

// readVideo depacketizes H.264, gathers access units on the marker bit and
// reads the picture size from each SPS.
func (ss *serverSession) readVideo(tr *webrtc.TrackRemote) {
	var depack codecs.H264Packet
	var au []byte
	for {
		p, _, err := tr.ReadRTP()
		if err != nil {
			return
		}
		nal, err := depack.Unmarshal(p.Payload)
		if err == nil {
			au = append(au, nal...)
		}
		if !p.Marker {
			continue
		}
		for _, n := range encode.SplitAnnexB(au) {
			switch n[0] & 0x1f {
			case 7:
				if w, h, err := spsSize(n); err == nil {
					ss.width.Store(int32(w))
					ss.height.Store(int32(h))
				}
			case 5:
				ss.keyframes.Add(1)
			}
		}
		if len(au) > 0 {
			ss.accessUnits.Add(1)
		}
		au = au[:0]
	}
}

func (s *whipServer) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	s.deletes = append(s.deletes, id)
	sess := s.byID[id]
	delete(s.byID, id)
	s.mu.Unlock()
	if sess == nil {
		http.NotFound(w, r)
		return
	}
	_ = sess.pc.Close()
	w.WriteHeader(http.StatusOK)
}

// closeSessions drops every peer connection, as a crashing server would.
func (s *whipServer) closeSessions() {
	s.mu.Lock()
	ss := append([]*serverSession(nil), s.sessions...)
	s.mu.Unlock()
	for _, x := range ss {
		_ = x.pc.Close()
	}
}

func (s *whipServer) session(i int) *serverSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < len(s.sessions) {
		return s.sessions[i]
	}
	return nil
}

func (s *whipServer) deleted(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.deletes {
		if d == id {
			return true
		}
	}
	return false
}

// sendPLI asks the publisher of session i for a keyframe.
func (ss *serverSession) sendPLI() error {
	return ss.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ss.videoSSRC.Load()}})
}

// eventually polls cond until it holds or the deadline passes; deadlines
// are generous because the machine may be busy, and nothing is timed.
func eventually(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// spsSize reads the picture size from an H.264 SPS NAL unit (ITU-T H.264
// §7.3.2.1.1), including cropping.
func spsSize(nal []byte) (w, h int, err error) {
	// Remove emulation-prevention bytes (00 00 03 → 00 00).
	rbsp := make([]byte, 0, len(nal))
	zeros := 0
	for _, b := range nal[1:] {
		if zeros >= 2 && b == 3 {
			zeros = 0
			continue
		}
		if b == 0 {
			zeros++
		} else {
			zeros = 0
		}
		rbsp = append(rbsp, b)
	}
	br := &bitReader{b: rbsp}
	profile := br.u(8)
	br.u(16) // constraint flags, level
	br.ue()  // seq_parameter_set_id
	chroma := uint(1)
	switch profile {
	case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135:
		chroma = br.ue()
		if chroma == 3 {
			br.u(1)
		}
		br.ue() // bit_depth_luma_minus8
		br.ue() // bit_depth_chroma_minus8
		br.u(1) // qpprime_y_zero_transform_bypass_flag
		if br.u(1) == 1 {
			return 0, 0, errors.New("scaling matrices not handled")
		}
	}
	br.ue() // log2_max_frame_num_minus4
	switch br.ue() {
	case 0:
		br.ue()
	case 1:
		br.u(1)
		br.se()
		br.se()
		n := br.ue()
		for i := uint(0); i < n; i++ {
			br.se()
		}
	}
	br.ue() // max_num_ref_frames
	br.u(1) // gaps_in_frame_num_value_allowed_flag
	wmbs := br.ue() + 1
	hmaps := br.ue() + 1
	frameMbsOnly := br.u(1)
	if frameMbsOnly == 0 {
		br.u(1)
	}
	br.u(1) // direct_8x8_inference_flag
	var cl, cr, ct, cb uint
	if br.u(1) == 1 {
		cl, cr, ct, cb = br.ue(), br.ue(), br.ue(), br.ue()
	}
	if br.err {
		return 0, 0, errors.New("SPS too short")
	}
	cropX, cropY := uint(1), 2-frameMbsOnly
	if chroma == 1 {
		cropX, cropY = 2, 2*(2-frameMbsOnly)
	}
	w = int(wmbs*16 - cropX*(cl+cr))
	h = int((2-frameMbsOnly)*hmaps*16 - cropY*(ct+cb))
	return w, h, nil
}

type bitReader struct {
	b   []byte
	pos int
	err bool
}

func (r *bitReader) u(n int) uint {
	var v uint
	for i := 0; i < n; i++ {
		if r.pos/8 >= len(r.b) {
			r.err = true
			return 0
		}
		v = v<<1 | uint(r.b[r.pos/8]>>(7-r.pos%8)&1)
		r.pos++
	}
	return v
}

func (r *bitReader) ue() uint {
	zeros := 0
	for r.u(1) == 0 && !r.err {
		zeros++
		if zeros > 31 {
			r.err = true
			return 0
		}
	}
	return (1<<zeros - 1) + r.u(zeros)
}

func (r *bitReader) se() int {
	v := r.ue()
	if v&1 == 1 {
		return int(v+1) / 2
	}
	return -int(v / 2)
}

func rtcpReport(lsr, dlsr uint32) rtcp.ReceptionReport {
	return rtcp.ReceptionReport{LastSenderReport: lsr, Delay: dlsr}
}
