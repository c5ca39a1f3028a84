package server

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"showcaster/platform"
)

// readSDP reads an application/sdp offer within the offer limits.
func (s *Server) readSDP(w http.ResponseWriter, r *http.Request) (string, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/sdp" {
		return "", fail(ErrContentType, "send the SDP offer with Content-Type: application/sdp")
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(s.lim.OfferBytes)))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", fail(ErrTooLarge, "the SDP offer is larger than %d KiB", s.lim.OfferBytes>>10)
		}
		return "", fail(ErrBadRequest, "read the SDP offer: %v", err)
	}
	if err := CheckOffer(string(b), s.lim.OfferCandidates); err != nil {
		return "", err
	}
	return string(b), nil
}

// maxSDPLine bounds one line of an offer (a candidate line is under 200 bytes).
const maxSDPLine = 1024

// CheckOffer refuses an SDP offer the platform will not parse: empty, with
// NUL or over-long lines, or with more than maxCandidates ICE candidates
// (a browser sends a handful; hundreds are an amplification attempt).
func CheckOffer(sdp string, maxCandidates int) error {
	if strings.TrimSpace(sdp) == "" {
		return fail(ErrMedia, "the SDP offer is empty")
	}
	if strings.IndexByte(sdp, 0) >= 0 {
		return fail(ErrMedia, "the SDP offer holds a NUL byte")
	}
	n := 0
	for line := range strings.Lines(sdp) {
		if len(line) > maxSDPLine {
			return fail(ErrMedia, "the SDP offer has a line of %d bytes (at most %d)", len(line), maxSDPLine)
		}
		if strings.HasPrefix(line, "a=candidate:") {
			if n++; n > maxCandidates {
				return fail(ErrMedia, "the SDP offer carries more than %d ICE candidates: send only the candidates of your own interfaces", maxCandidates)
			}
		}
	}
	return nil
}

func writeSDP(w http.ResponseWriter, location, answer string) {
	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", location)
	w.Header().Set("Access-Control-Expose-Headers", "Location")
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, answer)
}

func (s *Server) ingestAllowed(r *http.Request, sh *show) error {
	tok, _ := bearer(r)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if subtle.ConstantTimeCompare([]byte(tok), []byte(sh.row.IngestToken)) != 1 {
		return fail(ErrUnauthorized, "the platform refused the ingest token for show %s: use the token that starting the trial or the live returned", sh.row.ID)
	}
	return nil
}

func (s *Server) handleWHIP(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("show"))
	if err != nil {
		return err
	}
	if err := s.ingestAllowed(r, sh); err != nil {
		return err
	}
	sh.mu.Lock()
	state := sh.row.State
	sh.mu.Unlock()
	if state != platform.StateTrial && state != platform.StateLive {
		return fail(ErrWrongState, "show %s is %s: start a trial or go live before publishing", sh.row.ID, state)
	}
	offer, err := s.readSDP(w, r)
	if err != nil {
		return err
	}
	id, answer, err := sh.relay.publish(offer)
	if err != nil {
		return err
	}
	s.logf("platform: show %s: publisher %s connected", sh.row.ID, id)
	s.writeSession(w, "/whip/"+sh.row.ID+"/"+id, sh.relay.publisherICE(id), answer)
	return nil
}

func (s *Server) handleWHIPDelete(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("show"))
	if err != nil {
		return err
	}
	if err := s.ingestAllowed(r, sh); err != nil {
		return err
	}
	if !sh.relay.unpublish(r.PathValue("session")) {
		return fail(ErrNotFound, "there is no publishing session %q for show %s (it may have been replaced)", r.PathValue("session"), sh.row.ID)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// handleWHIPPatch is trickle ICE (and ICE restart) for a publisher session.
func (s *Server) handleWHIPPatch(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("show"))
	if err != nil {
		return err
	}
	if err := s.ingestAllowed(r, sh); err != nil {
		return err
	}
	res := sh.relay.publisherICE(r.PathValue("session"))
	if res == nil {
		return fail(ErrNotFound, "there is no publishing session %q for show %s (it may have been replaced)", r.PathValue("session"), sh.row.ID)
	}
	return s.handleTrickle(w, r, res)
}

// handleWHEPPatch is trickle ICE for a playback session; its unguessable
// location is its credential, as for DELETE.
func (s *Server) handleWHEPPatch(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("show"))
	if err != nil {
		return err
	}
	res := sh.relay.viewerICE(r.PathValue("session"))
	if res == nil {
		return fail(ErrNotFound, "there is no playback session %q for show %s", r.PathValue("session"), sh.row.ID)
	}
	return s.handleTrickle(w, r, res)
}

func (s *Server) handleWHEP(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("show"))
	if err != nil {
		return err
	}
	sh.mu.Lock()
	state := sh.publicStateLocked(r.URL.Query().Get("key"))
	sh.mu.Unlock()
	switch state {
	case platform.PublicEnded:
		return fail(ErrEnded, "this show has ended")
	case platform.PublicNotStarted:
		return fail(ErrNotStarted, "this show has not started yet")
	}
	// Playback costs the platform a peer connection: only a viewer page's
	// cookie gets one, a few per viewer, and only so many at once.
	v, ok := s.viewerFromCookie(r)
	if !ok {
		return fail(ErrUnauthorized, "no viewer cookie: open the viewer page /watch/%s first", sh.row.ID)
	}
	offer, err := s.readSDP(w, r)
	if err != nil {
		return err
	}
	if err := s.reserveWHEP(v.ID); err != nil {
		return err
	}
	var released sync.Once
	release := func() { released.Do(func() { s.releaseWHEP(v.ID) }) }
	key := v.ID // online counts people: a viewer's page and its player are one
	id, answer, connected, err := sh.relay.watch(offer, func() {
		release()
		sh.mu.Lock()
		sh.leaveLocked(key)
		sh.mu.Unlock()
	})
	if err != nil {
		release()
		return err
	}
	sh.mu.Lock()
	sh.joinLocked(key)
	s.noteViewerLocked(sh, key)
	sh.mu.Unlock()
	s.reapUnconnected(sh, id, connected)
	s.writeSession(w, "/whep/"+sh.row.ID+"/"+id, sh.relay.viewerICE(id), answer)
	return nil
}

// reserveWHEP counts a new playback session toward the global and the
// viewer's limits, or says why there is no room.
func (s *Server) reserveWHEP(viewer string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.whepTotal >= s.lim.WHEPSessions || s.whepPending >= s.lim.WHEPPending {
		return &rateError{requestError: requestError{kind: ErrBusy,
			msg: fmt.Sprintf("the platform is playing as many pictures as it can (%d): try again in a few seconds", s.whepTotal)}, retry: 5 * time.Second}
	}
	if s.whepByViewer[viewer] >= s.lim.WHEPPerViewer {
		return &rateError{requestError: requestError{kind: ErrRateLimited,
			msg: fmt.Sprintf("this viewer already plays %d pictures: close another player (DELETE its session) first", s.whepByViewer[viewer])}, retry: s.lim.WHEPConnectTimeout}
	}
	s.whepTotal++
	s.whepPending++
	s.whepByViewer[viewer]++
	return nil
}

func (s *Server) releaseWHEP(viewer string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.whepTotal--
	if s.whepByViewer[viewer]--; s.whepByViewer[viewer] <= 0 {
		delete(s.whepByViewer, viewer)
	}
}

// reapUnconnected ends a playback session whose peer has not connected
// within WHEPConnectTimeout; until then it counts as pending.
func (s *Server) reapUnconnected(sh *show, id string, connected <-chan struct{}) {
	wait := s.clk.After(s.lim.WHEPConnectTimeout)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			s.whepPending--
			s.mu.Unlock()
		}()
		select {
		case <-connected:
		case <-wait:
			select {
			case <-connected:
			default:
				if sh.relay.removeViewer(id) {
					s.logf("platform: show %s: playback session %s never connected: ended", sh.row.ID, id)
				}
			}
		case <-s.ctx.Done():
		}
	}()
}

func (s *Server) handleWHEPDelete(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.lookup(r.PathValue("show"))
	if err != nil {
		return err
	}
	if !sh.relay.removeViewer(r.PathValue("session")) {
		return fail(ErrNotFound, "there is no playback session %q for show %s", r.PathValue("session"), sh.row.ID)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
