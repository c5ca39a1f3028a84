package server

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// WHIP and WHEP for browser publishers and players written by other projects:
// CORS (every answer on /whip/ and /whep/, and the preflights), OPTIONS with
// the ICE servers as Link headers, and trickle ICE over PATCH with
// application/trickle-ice-sdpfrag (RFC 9725 §4.3, RFC 8840 fragments).

// ICEServer is a STUN or TURN server the platform tells WHIP/WHEP clients
// about (Link headers on OPTIONS and on the 201 answer).
type ICEServer struct {
	URLs       []string
	Username   string
	Credential string
}

const sdpFragType = "application/trickle-ice-sdpfrag"

// iceResource is the ICE side of one WHIP or WHEP session, for PATCH.
type iceResource struct {
	pc *webrtc.PeerConnection

	mu       sync.Mutex // orders PATCHes of one session
	etag     string
	trickled int // remote candidates added by PATCH, bounded by Limits.OfferCandidates
}

func newICEResource(pc *webrtc.PeerConnection) *iceResource {
	return &iceResource{pc: pc, etag: `"` + randomToken(8) + `"`}
}

func (ir *iceResource) tag() string {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	return ir.etag
}

// isMediaPath is true for the WHIP and WHEP endpoints and their sessions.
func isMediaPath(p string) bool {
	return strings.HasPrefix(p, "/whip/") || strings.HasPrefix(p, "/whep/")
}

// mediaPathKind says whether p is an endpoint (POST an offer) or a session
// resource (PATCH, DELETE): /whip/{show}, /whip/{show}/guests/{gid} are
// endpoints; /whip/{show}/{session}, /whip/{show}/guests/{gid}/{session} are
// sessions; /…/guests/{gid}/return is the endpoint of a guest's return feed.
func mediaPathIsEndpoint(p string) bool {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch len(parts) {
	case 2:
		return true
	case 4:
		return parts[2] == "guests"
	case 5:
		return parts[2] == "guests" && parts[4] == "return"
	}
	return false
}

// cors wraps the mux: answers on /whip/ and /whep/ may be read from any
// origin (WHIP's credential is a bearer token; WHEP's the viewer cookie, sent
// with credentials from another port of the same host), preflights and plain
// OPTIONS are answered here.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isMediaPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		if o := r.Header.Get("Origin"); o != "" && strings.HasPrefix(r.URL.Path, "/whep/") {
			// Playback needs the viewer cookie: a player on another origin of the
			// same site (another port of this host) sends it with credentials,
			// which CORS allows only for a named origin.
			h.Set("Access-Control-Allow-Origin", o)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Add("Vary", "Origin")
		} else {
			h.Set("Access-Control-Allow-Origin", "*")
		}
		h.Set("Access-Control-Expose-Headers", "Location, ETag, Link, Accept-Patch, Accept-Post, Allow, Retry-After")
		if r.Method != http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		endpoint := mediaPathIsEndpoint(r.URL.Path)
		methods := "OPTIONS, PATCH, DELETE"
		if endpoint {
			methods = "OPTIONS, POST"
		}
		if r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "OPTIONS, POST, PATCH, DELETE")
			allow := r.Header.Get("Access-Control-Request-Headers")
			if allow == "" {
				allow = "Authorization, Content-Type, If-Match, Idempotency-Key"
			}
			h.Set("Access-Control-Allow-Headers", allow)
			h.Set("Access-Control-Max-Age", "86400")
			h.Add("Vary", "Access-Control-Request-Headers")
		}
		h.Set("Allow", methods)
		if endpoint {
			h.Set("Accept-Post", "application/sdp")
			s.setICELinks(h)
		} else {
			h.Set("Accept-Patch", sdpFragType)
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// setICELinks adds one Link header per configured ICE server URL (RFC 9725 §4.6).
func (s *Server) setICELinks(h http.Header) {
	for _, is := range s.cfg.ICEServers {
		for _, u := range is.URLs {
			v := "<" + u + `>; rel="ice-server"`
			if is.Username != "" || is.Credential != "" {
				v += fmt.Sprintf(`; username=%s; credential=%s; credential-type="password"`,
					strconv.Quote(is.Username), strconv.Quote(is.Credential))
			}
			h.Add("Link", v)
		}
	}
}

// writeSession answers a WHIP or WHEP POST: the SDP answer, the session's
// location and ETag, trickle ICE offered, the ICE servers linked.
func (s *Server) writeSession(w http.ResponseWriter, location string, res *iceResource, answer string) {
	h := w.Header()
	h.Set("ETag", res.tag())
	h.Set("Accept-Patch", sdpFragType)
	s.setICELinks(h)
	writeSDP(w, location, answer)
}

// sdpFrag is a parsed trickle-ICE fragment (RFC 8840).
type sdpFrag struct {
	ufrag, pwd string
	media      []fragMedia
}

type fragMedia struct {
	mid        string
	index      uint16
	candidates []string // "candidate:…" without the "a="
	end        bool
}

func parseSDPFrag(body string) (sdpFrag, error) {
	var f sdpFrag
	cur := -1
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case line == "":
		case strings.HasPrefix(line, "a=ice-ufrag:"):
			f.ufrag = strings.TrimPrefix(line, "a=ice-ufrag:")
		case strings.HasPrefix(line, "a=ice-pwd:"):
			f.pwd = strings.TrimPrefix(line, "a=ice-pwd:")
		case strings.HasPrefix(line, "m="):
			f.media = append(f.media, fragMedia{index: uint16(len(f.media))})
			cur = len(f.media) - 1
		case strings.HasPrefix(line, "a=mid:"):
			if cur < 0 {
				return f, fmt.Errorf("a=mid before any m= line")
			}
			f.media[cur].mid = strings.TrimPrefix(line, "a=mid:")
		case strings.HasPrefix(line, "a=candidate:"):
			if cur < 0 {
				// A fragment without m= lines applies to the first (bundled) section.
				f.media = append(f.media, fragMedia{})
				cur = 0
			}
			f.media[cur].candidates = append(f.media[cur].candidates, strings.TrimPrefix(line, "a="))
		case line == "a=end-of-candidates":
			if cur >= 0 {
				f.media[cur].end = true
			}
		case strings.HasPrefix(line, "a=") || strings.HasPrefix(line, "c="):
			// Other attributes (ice-options, group, …) carry nothing to act on.
		default:
			return f, fmt.Errorf("unexpected line %q", line)
		}
	}
	return f, nil
}

// sdpCredentials reads the first ice-ufrag and ice-pwd of an SDP.
func sdpCredentials(sdp string) (ufrag, pwd string) {
	for _, line := range strings.Split(sdp, "\n") {
		line = strings.TrimRight(line, "\r")
		if ufrag == "" && strings.HasPrefix(line, "a=ice-ufrag:") {
			ufrag = strings.TrimPrefix(line, "a=ice-ufrag:")
		}
		if pwd == "" && strings.HasPrefix(line, "a=ice-pwd:") {
			pwd = strings.TrimPrefix(line, "a=ice-pwd:")
		}
	}
	return ufrag, pwd
}

// handleTrickle serves PATCH on a session: new remote candidates are added
// (204); new credentials are an ICE restart, answered with the platform's new
// credentials and candidates (200, a new ETag).
func (s *Server) handleTrickle(w http.ResponseWriter, r *http.Request, res *iceResource) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != sdpFragType {
		return fail(ErrContentType, "send trickle ICE with Content-Type: %s", sdpFragType)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(s.lim.OfferBytes)))
	if err != nil {
		return fail(ErrTooLarge, "the ICE fragment is larger than %d KiB", s.lim.OfferBytes>>10)
	}
	frag, err := parseSDPFrag(string(b))
	if err != nil {
		return fail(ErrBadFragment, "the ICE fragment is not valid: %v", err)
	}
	res.mu.Lock()
	defer res.mu.Unlock()
	match := r.Header.Get("If-Match")
	if match != "" && match != "*" && match != res.etag {
		return fail(ErrPrecondition, "the ICE session changed (ETag %s, not %s): restart ICE with If-Match: *", res.etag, match)
	}
	rd := res.pc.RemoteDescription()
	if rd == nil {
		return fail(ErrNotFound, "the session has no ICE state yet")
	}
	curUfrag, _ := sdpCredentials(rd.SDP)
	restart := frag.ufrag != "" && frag.ufrag != curUfrag
	if restart {
		if frag.pwd == "" {
			return fail(ErrBadFragment, "an ICE restart needs both a=ice-ufrag and a=ice-pwd")
		}
		if err := restartICE(res.pc, rd.SDP, frag.ufrag, frag.pwd); err != nil {
			return fail(ErrBadFragment, "the ICE restart failed: %v", err)
		}
	}
	n := 0
	for _, m := range frag.media {
		n += len(m.candidates)
	}
	if res.trickled+n > s.lim.OfferCandidates {
		return fail(ErrBadFragment, "a session takes at most %d trickled ICE candidates: send only the candidates of your own interfaces", s.lim.OfferCandidates)
	}
	res.trickled += n
	for _, m := range frag.media {
		mid, idx := m.mid, m.index
		for _, c := range m.candidates {
			init := webrtc.ICECandidateInit{Candidate: c, SDPMLineIndex: &idx}
			if mid != "" {
				init.SDPMid = &mid
			}
			// A candidate the platform cannot use (an mDNS name, another address family)
			// is skipped; the connectivity checks find the way.
			if err := res.pc.AddICECandidate(init); err != nil {
				s.logf("platform: trickle candidate %q skipped: %v", c, err)
			}
		}
	}
	if !restart {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	res.etag = `"` + randomToken(8) + `"`
	w.Header().Set("Content-Type", sdpFragType)
	w.Header().Set("ETag", res.etag)
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, localFragment(res.pc.LocalDescription().SDP))
	return nil
}

// restartICE applies the remote's new credentials as a new offer and answers it.
func restartICE(pc *webrtc.PeerConnection, remote, ufrag, pwd string) error {
	var out []string
	for _, line := range strings.Split(remote, "\n") {
		l := strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(l, "a=ice-ufrag:"):
			l = "a=ice-ufrag:" + ufrag
		case strings.HasPrefix(l, "a=ice-pwd:"):
			l = "a=ice-pwd:" + pwd
		case strings.HasPrefix(l, "a=candidate:"), l == "a=end-of-candidates":
			continue
		}
		if l != "" {
			out = append(out, l)
		}
	}
	offer := strings.Join(out, "\r\n") + "\r\n"
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return err
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return err
	}
	// Gathering is network work on the wall clock; the bound only stops a stuck stack.
	select {
	case <-gathered:
	case <-time.After(10 * time.Second): // wall clock: ICE gathers on the real network
		return fmt.Errorf("gathering network candidates took over 10 s")
	}
	return nil
}

// localFragment is the platform's side of an ICE restart answer: credentials,
// and per media section its mid and candidates.
func localFragment(local string) string {
	var b strings.Builder
	ufrag, pwd := sdpCredentials(local)
	fmt.Fprintf(&b, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", ufrag, pwd)
	inMedia := false
	for _, line := range strings.Split(local, "\n") {
		l := strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(l, "m="):
			inMedia = true
			b.WriteString(l + "\r\n")
		case inMedia && (strings.HasPrefix(l, "a=mid:") || strings.HasPrefix(l, "a=candidate:") || l == "a=end-of-candidates"):
			b.WriteString(l + "\r\n")
		}
	}
	return b.String()
}
