package server

import (
	"crypto/subtle"
	"errors"
	"io"
	"mime"
	"net/http"

	"showcaster/platform"
)

// readSDP reads an application/sdp body of at most maxBody bytes.
func readSDP(w http.ResponseWriter, r *http.Request) (string, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/sdp" {
		return "", fail(ErrContentType, "send the SDP offer with Content-Type: application/sdp")
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", fail(ErrTooLarge, "the SDP offer is larger than %d KiB", maxBody>>10)
		}
		return "", fail(ErrBadRequest, "read the SDP offer: %v", err)
	}
	if len(b) == 0 {
		return "", fail(ErrMedia, "the SDP offer is empty")
	}
	return string(b), nil
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
	offer, err := readSDP(w, r)
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
	offer, err := readSDP(w, r)
	if err != nil {
		return err
	}
	// Online counts people: a viewer's page and its player are one; a bare WHEP client is one more.
	v, hasViewer := s.viewerFromCookie(r)
	key := "whep:" + randomToken(8)
	if hasViewer {
		key = v.ID
	}
	id, answer, err := sh.relay.watch(offer, func() {
		sh.mu.Lock()
		sh.leaveLocked(key)
		sh.mu.Unlock()
	})
	if err != nil {
		return err
	}
	sh.mu.Lock()
	sh.joinLocked(key)
	s.noteViewerLocked(sh, key)
	sh.mu.Unlock()
	s.writeSession(w, "/whep/"+sh.row.ID+"/"+id, sh.relay.viewerICE(id), answer)
	return nil
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
