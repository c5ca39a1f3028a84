package server

import (
	"crypto/subtle"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"sync"
	"unicode/utf8"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/interceptor/pkg/report"
	"github.com/pion/webrtc/v4"

	"showcaster/assets"
	"showcaster/platform"
)

// Co-hosting (连麦): a guest joins a show from a browser link. The guest's
// page publishes over WHIP to /whip/{show}/guests/{gid} (the link's secret as
// Bearer); the studio receives the guest over WHEP at /whep/{show}/guests/{gid}
// (studio token) and puts them into its program. Each guest has a relay of
// its own, so the guest is never seen by viewers except through the program.
// Guests live in memory: a link lasts while the show runs on this platform
// process, and ends with the show, with DELETE, or with a restart.

var (
	guestVideoCodec = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}
	maxGuests       = 3
)

type guest struct {
	id, name, secret string
	relay            *relay // the guest's camera and microphone, to the studio
	// back is the studio's return feed to this guest: the program with a
	// mix-minus sound (everything but the guest's own voice), so no echo.
	back *relay
}

// guestSet is a show's guests; the zero value is ready.
type guestSet struct {
	mu   sync.Mutex
	byID map[string]*guest
}

func (gs *guestSet) get(id string) *guest {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	return gs.byID[id]
}

// guestAPIs are the WebRTC stacks for guests: VP8 and Opus, the same
// feedback as the show's own ingest and playback.
func guestAPIs(se webrtc.SettingEngine) (*webrtc.API, *webrtc.API, error) {
	register := func(m *webrtc.MediaEngine) error {
		fb := []webrtc.RTCPFeedback{{Type: "ccm", Parameter: "fir"}}
		if err := m.RegisterCodec(webrtc.RTPCodecParameters{PayloadType: 96, RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: fb}}, webrtc.RTPCodecTypeVideo); err != nil {
			return err
		}
		return m.RegisterCodec(webrtc.RTPCodecParameters{PayloadType: 111, RTPCodecCapability: audioCodec}, webrtc.RTPCodecTypeAudio)
	}
	inME := &webrtc.MediaEngine{}
	if err := register(inME); err != nil {
		return nil, nil, fmt.Errorf("%w: register guest codecs: %v", ErrMedia, err)
	}
	inIR := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(inME, inIR); err != nil {
		return nil, nil, fmt.Errorf("%w: configure NACK: %v", ErrMedia, err)
	}
	if err := webrtc.ConfigureRTCPReports(inIR); err != nil {
		return nil, nil, fmt.Errorf("%w: configure RTCP reports: %v", ErrMedia, err)
	}
	if err := webrtc.ConfigureTWCCSender(inME, inIR); err != nil {
		return nil, nil, fmt.Errorf("%w: configure TWCC: %v", ErrMedia, err)
	}
	playME := &webrtc.MediaEngine{}
	if err := register(playME); err != nil {
		return nil, nil, fmt.Errorf("%w: register guest codecs: %v", ErrMedia, err)
	}
	playME.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack"}, webrtc.RTPCodecTypeVideo)
	playME.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack", Parameter: "pli"}, webrtc.RTPCodecTypeVideo)
	playIR := &interceptor.Registry{}
	responder, err := nack.NewResponderInterceptor()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: configure NACK responder: %v", ErrMedia, err)
	}
	playIR.Add(responder)
	sender, err := report.NewSenderInterceptor()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: configure sender reports: %v", ErrMedia, err)
	}
	playIR.Add(sender)
	return webrtc.NewAPI(webrtc.WithMediaEngine(inME), webrtc.WithInterceptorRegistry(inIR), webrtc.WithSettingEngine(se)),
		webrtc.NewAPI(webrtc.WithMediaEngine(playME), webrtc.WithInterceptorRegistry(playIR), webrtc.WithSettingEngine(se)), nil
}

func (s *Server) newGuestRelay(sh *show, g *guest) *relay {
	name := sh.row.ID + "/guests/" + g.id
	v, _ := webrtc.NewTrackLocalStaticRTP(guestVideoCodec, "video", "guest-"+g.id)
	a, _ := webrtc.NewTrackLocalStaticRTP(audioCodec, "audio", "guest-"+g.id)
	r := &relay{show: name, ingestAPI: s.media.guestIngest, playAPI: s.media.guestPlayback, logf: s.logf,
		video: v, audio: a, viewers: map[string]*viewerSession{}}
	r.vrw.clockRate = 90000
	r.arw.clockRate = 48000
	r.onPublisher = func(up bool) {
		typ := platform.EventGuestLeft
		if up {
			typ = platform.EventGuestJoined
		}
		sh.mu.Lock()
		defer sh.mu.Unlock()
		ev := platform.Event{Type: typ, Guest: &platform.Guest{ID: g.id, Name: g.name}}
		if err := sh.emitLocked(ev, scopeStudio, "", sh.inTrialLocked()); err != nil {
			s.logf("platform: %v", err)
		}
	}
	return r
}

// guestLink is the guest's page; the secret travels in the fragment-free query.
func guestLink(base, show string, g *guest) string {
	return base + "/guest/" + url.PathEscape(show) + "/" + url.PathEscape(g.id) + "?t=" + url.QueryEscape(g.secret)
}

func (s *Server) handleInviteGuest(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	name := CleanText(in.Name)
	if name == "" || utf8.RuneCountInString(name) > maxNameRunes {
		return fail(ErrBadRequest, "a guest's name must be 1 to %d characters", maxNameRunes)
	}
	sh.mu.Lock()
	state := sh.row.State
	sh.mu.Unlock()
	switch state {
	case platform.StateApproved, platform.StateTrial, platform.StateLive:
	default:
		return fail(ErrWrongState, "show %s is %s: guests can be invited to an approved, trial or live show", sh.row.ID, state)
	}
	gs := &sh.guests
	gs.mu.Lock()
	if gs.byID == nil {
		gs.byID = map[string]*guest{}
	}
	if len(gs.byID) >= maxGuests {
		gs.mu.Unlock()
		return fail(ErrWrongState, "show %s already has %d guests: remove one before inviting another", sh.row.ID, maxGuests)
	}
	g := &guest{id: "g" + randomToken(4), name: name, secret: randomToken(16)}
	g.relay = s.newGuestRelay(sh, g)
	g.back = newRelay(sh.row.ID+"/guests/"+g.id+"/return", s.media, s.logf)
	gs.byID[g.id] = g
	gs.mu.Unlock()
	writeJSON(w, http.StatusCreated, platform.Guest{ID: g.id, Name: g.name, URL: guestLink(s.baseURL(r), sh.row.ID, g)})
	return nil
}

func (s *Server) handleRemoveGuest(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("id"))
	if err != nil {
		return err
	}
	gs := &sh.guests
	gs.mu.Lock()
	g := gs.byID[r.PathValue("gid")]
	delete(gs.byID, r.PathValue("gid"))
	gs.mu.Unlock()
	if g == nil {
		return fail(ErrNotFound, "show %s has no guest %q", sh.row.ID, r.PathValue("gid"))
	}
	for _, r := range []*relay{g.relay, g.back} {
		r.stopAll()
		r.close()
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// endGuests ends every guest's sessions; with forget, their links too (the show ended).
func (sh *show) endGuests(forget bool) {
	gs := &sh.guests
	gs.mu.Lock()
	all := make([]*guest, 0, len(gs.byID))
	for _, g := range gs.byID {
		all = append(all, g)
	}
	if forget {
		gs.byID = nil
	}
	gs.mu.Unlock()
	for _, g := range all {
		for _, r := range []*relay{g.relay, g.back} {
			r.stopAll()
			if forget {
				r.close()
			}
		}
	}
}

// guestFor finds the guest of a request's {show}/{gid} whose secret is the
// Bearer token (or ?t= for the page): the link's holder, and no one else.
func (s *Server) guestFor(r *http.Request) (*show, *guest, error) {
	sh, err := s.lookup(r.PathValue("show"))
	if err != nil {
		return nil, nil, err
	}
	g := sh.guests.get(r.PathValue("gid"))
	if g == nil {
		return nil, nil, fail(ErrNotFound, "this guest link is no longer valid: the host removed it or the show ended; ask the host for a new link")
	}
	tok, ok := bearer(r)
	if !ok {
		tok = r.URL.Query().Get("t")
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(g.secret)) != 1 {
		return nil, nil, fail(ErrUnauthorized, "this guest link is not valid: open the whole link the host sent")
	}
	return sh, g, nil
}

func (s *Server) handleGuestWHIP(w http.ResponseWriter, r *http.Request) error {
	sh, g, err := s.guestFor(r)
	if err != nil {
		return err
	}
	sh.mu.Lock()
	state := sh.row.State
	sh.mu.Unlock()
	if state != platform.StateTrial && state != platform.StateLive {
		return fail(ErrWrongState, "the show is not on air yet (%s): join when the host starts the trial or the live", state)
	}
	offer, err := s.readSDP(w, r)
	if err != nil {
		return err
	}
	id, answer, err := g.relay.publish(offer)
	if err != nil {
		return err
	}
	s.logf("platform: show %s: guest %s (%s) publishing as %s", sh.row.ID, g.id, g.name, id)
	s.writeSession(w, "/whip/"+sh.row.ID+"/guests/"+g.id+"/"+id, g.relay.publisherICE(id), answer)
	return nil
}

func (s *Server) handleGuestWHIPSession(w http.ResponseWriter, r *http.Request) error {
	_, g, err := s.guestFor(r)
	if err != nil {
		return err
	}
	id := r.PathValue("session")
	if r.Method == http.MethodPatch {
		res := g.relay.publisherICE(id)
		if res == nil {
			return fail(ErrNotFound, "there is no publishing session %q for this guest", id)
		}
		return s.handleTrickle(w, r, res)
	}
	if !g.relay.unpublish(id) {
		return fail(ErrNotFound, "there is no publishing session %q for this guest", id)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// guestForStudio is the guest of {show}/{gid} for the studio's WHEP calls.
func (s *Server) guestForStudio(r *http.Request) (*show, *guest, error) {
	if !s.isStudio(r) {
		return nil, nil, fail(ErrUnauthorized, "the platform refused the studio token: receiving a guest takes the studio token")
	}
	sh, err := s.lookup(r.PathValue("show"))
	if err != nil {
		return nil, nil, err
	}
	g := sh.guests.get(r.PathValue("gid"))
	if g == nil {
		return nil, nil, fail(ErrNotFound, "show %s has no guest %q", sh.row.ID, r.PathValue("gid"))
	}
	return sh, g, nil
}

func (s *Server) handleGuestWHEP(w http.ResponseWriter, r *http.Request) error {
	sh, g, err := s.guestForStudio(r)
	if err != nil {
		return err
	}
	offer, err := s.readSDP(w, r)
	if err != nil {
		return err
	}
	id, answer, _, err := g.relay.watch(offer, nil)
	if err != nil {
		return err
	}
	s.writeSession(w, "/whep/"+sh.row.ID+"/guests/"+g.id+"/"+id, g.relay.viewerICE(id), answer)
	return nil
}

func (s *Server) handleGuestWHEPSession(w http.ResponseWriter, r *http.Request) error {
	_, g, err := s.guestForStudio(r)
	if err != nil {
		return err
	}
	id := r.PathValue("session")
	if r.Method == http.MethodPatch {
		res := g.relay.viewerICE(id)
		if res == nil {
			return fail(ErrNotFound, "there is no playback session %q for this guest", id)
		}
		return s.handleTrickle(w, r, res)
	}
	if !g.relay.removeViewer(id) {
		return fail(ErrNotFound, "there is no playback session %q for this guest", id)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// guestInfo is what the guest page learns about itself (GET /api/guest/{show}/{gid}).
type guestInfo struct {
	Guest      platform.Guest `json:"guest"`
	ShowID     string         `json:"show_id"`
	Title      string         `json:"title"`
	State      string         `json:"state"`
	WHIPURL    string         `json:"whip_url"`
	ProgramURL string         `json:"program_url"`
	// ReturnURL is the studio's mix-minus return feed, set while the studio sends one.
	ReturnURL string `json:"return_url,omitempty"`
}

func (s *Server) handleGuestInfo(w http.ResponseWriter, r *http.Request) error {
	sh, g, err := s.guestFor(r)
	if err != nil {
		return err
	}
	sh.mu.Lock()
	info := guestInfo{Guest: platform.Guest{ID: g.id, Name: g.name}, ShowID: sh.row.ID, Title: sh.row.Title,
		State: string(sh.row.State), WHIPURL: "/whip/" + sh.row.ID + "/guests/" + g.id,
		ProgramURL: "/whep/" + sh.row.ID}
	if sh.row.State == platform.StateTrial {
		info.ProgramURL += "?key=" + url.QueryEscape(sh.row.TrialKey)
	}
	sh.mu.Unlock()
	if g.back.publishing() {
		info.ReturnURL = "/whep/" + sh.row.ID + "/guests/" + g.id + "/return"
	}
	writeJSON(w, http.StatusOK, info)
	return nil
}

// handleGuestPage serves the guest's page (assets/guest/index.html).
func (s *Server) handleGuestPage(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.guestFor(r); err != nil {
		writeError(w, err)
		return
	}
	b, err := fs.ReadFile(assets.Guest, "guest/index.html")
	if err != nil {
		writeError(w, fmt.Errorf("%w: the guest page is missing from the build", ErrStorage))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the link is a secret
	_, _ = w.Write(b)
}

// handleReturnWHIP: the studio publishes the guest's return feed (studio token).
func (s *Server) handleReturnWHIP(w http.ResponseWriter, r *http.Request) error {
	sh, g, err := s.guestForStudio(r)
	if err != nil {
		return err
	}
	offer, err := s.readSDP(w, r)
	if err != nil {
		return err
	}
	id, answer, err := g.back.publish(offer)
	if err != nil {
		return err
	}
	s.writeSession(w, "/whip/"+sh.row.ID+"/guests/"+g.id+"/return/"+id, g.back.publisherICE(id), answer)
	return nil
}

func (s *Server) handleReturnWHIPSession(w http.ResponseWriter, r *http.Request) error {
	_, g, err := s.guestForStudio(r)
	if err != nil {
		return err
	}
	id := r.PathValue("session")
	if r.Method == http.MethodPatch {
		res := g.back.publisherICE(id)
		if res == nil {
			return fail(ErrNotFound, "there is no return session %q for this guest", id)
		}
		return s.handleTrickle(w, r, res)
	}
	if !g.back.unpublish(id) {
		return fail(ErrNotFound, "there is no return session %q for this guest", id)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// handleReturnWHEP: the guest's page plays its return feed (the link's secret).
func (s *Server) handleReturnWHEP(w http.ResponseWriter, r *http.Request) error {
	sh, g, err := s.guestFor(r)
	if err != nil {
		return err
	}
	offer, err := s.readSDP(w, r)
	if err != nil {
		return err
	}
	id, answer, _, err := g.back.watch(offer, nil)
	if err != nil {
		return err
	}
	s.writeSession(w, "/whep/"+sh.row.ID+"/guests/"+g.id+"/return/"+id, g.back.viewerICE(id), answer)
	return nil
}

func (s *Server) handleReturnWHEPSession(w http.ResponseWriter, r *http.Request) error {
	_, g, err := s.guestFor(r)
	if err != nil {
		return err
	}
	id := r.PathValue("session")
	if r.Method == http.MethodPatch {
		res := g.back.viewerICE(id)
		if res == nil {
			return fail(ErrNotFound, "there is no return playback session %q", id)
		}
		return s.handleTrickle(w, r, res)
	}
	if !g.back.removeViewer(id) {
		return fail(ErrNotFound, "there is no return playback session %q", id)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
