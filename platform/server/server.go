// Package server is the local reference platform: shows and their audit, WHIP
// ingest, a relay (SFU) that forwards the publisher's packets to WHEP viewers
// without transcoding, the viewer page, comments, replies, pins and reports.
// docs/platform-api.md is its reference.
package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"showcaster/internal/clock"
	"showcaster/platform/anchor"
)

// Config is the platform server's configuration; zero fields take the defaults.
type Config struct {
	// Addr is the listen address; default 127.0.0.1:0 (a free port on loopback).
	Addr string
	// DataDir holds the SQLite database and the generated studio token; default
	// os.UserConfigDir()/showcaster/platform.
	DataDir string
	// StudioToken authenticates the studio; when empty, one is generated once
	// and kept in DataDir.
	StudioToken string
	// Clock drives audits, rate limits and the once-a-second counters; default the wall clock.
	Clock clock.Clock
	// AuditDelay is how long a new show waits for its audit; default 3 s.
	AuditDelay time.Duration
	// Logf receives diagnostics; default silent.
	Logf func(format string, args ...any)
	// Viewer holds the viewer page (index.html and its static files at the
	// root); default the page built into the binary.
	Viewer fs.FS
	// Category is the kind of goods the anchor sells, for the anchor level's
	// thresholds; default consumer.
	Category anchor.Category
	// Location is where days begin at midnight (buyers per day, sessions that
	// cross midnight); default the machine's time zone.
	Location *time.Location
	// EventQueue is how many live events wait for one event connection; a
	// connection that falls further behind reads the rest from storage; default 256.
	EventQueue int
	// ICEServers are the STUN/TURN servers announced to WHIP and WHEP clients
	// (Link headers); none by default (loopback and LAN need none).
	ICEServers []ICEServer
	// EventPage is how many stored events one connection reads at a time while
	// it catches up; default 128. It bounds a connection's memory whatever the history.
	EventPage int
	// ViewerBacklog is how many recent events a viewer's stream starts with
	// (after the show's current state); default 50. The studio gets everything.
	ViewerBacklog int
	// Limits bound what a visitor can make the platform hold (docs/security.md).
	Limits Limits
}

// Server is a running platform. Its methods are safe for concurrent use.
type Server struct {
	cfg    Config
	clk    clock.Clock
	logf   func(string, ...any)
	db     *sql.DB
	lock   *os.File // the data directory's lock, held while the platform runs
	token  string
	viewer fs.FS
	media  *media
	limits *Limiter // per-viewer budgets of viewer calls
	mints  *Limiter // per-address budget of new viewer cookies
	lim    Limits
	idem   *idempotency
	mux    http.Handler

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu                        sync.Mutex
	shows                     map[string]*show
	banned                    []string
	viewers                   map[string]viewerRec // by secret; idle ones are evicted (housekeep)
	lastSweep, lastCheckpoint time.Time
	// Playback sessions: all, not yet connected, per viewer (see reserveWHEP).
	whepTotal, whepPending int
	whepByViewer           map[string]int
	ln                     net.Listener
	httpSrv                *http.Server
	url                    string
	closed                 bool
}

// DefaultBannedWords seed a new platform's banned-word list (superlatives and
// claims that advertising rules forbid in live selling).
func DefaultBannedWords() []string {
	return []string{"最便宜", "第一", "假货", "最好", "国家级", "绝对"}
}

// MinStudioToken is the shortest studio token the platform accepts.
const MinStudioToken = 8

const (
	maxBody              = 64 << 10
	defaultAudit         = 3 * time.Second
	defaultQueue         = 256
	defaultEventPage     = 128
	defaultViewerBacklog = 50
	statsPeriod          = time.Second
	maxCommentRunes      = 200
	maxBulletinRunes     = 200
	maxNameRunes         = 20
)

// New opens (or creates) the platform's state in cfg.DataDir and prepares the
// server; call Start to listen, or use Handler with a server of your own.
func New(cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("find a data directory for the platform (pass --data DIR): %w", err)
		}
		cfg.DataDir = filepath.Join(dir, "showcaster", "platform")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create the platform data directory %s: %w", cfg.DataDir, err)
	}
	if t := cfg.StudioToken; t != "" && (len(t) < MinStudioToken || strings.TrimSpace(t) != t) {
		return nil, fmt.Errorf("%w: the studio token must have at least %d characters and no surrounding spaces (it guards every studio call): choose a longer one, or leave it out and the platform generates one", ErrBadToken, MinStudioToken)
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.AuditDelay <= 0 {
		cfg.AuditDelay = defaultAudit
	}
	if cfg.EventQueue <= 0 {
		cfg.EventQueue = defaultQueue
	}
	if cfg.EventPage <= 0 {
		cfg.EventPage = defaultEventPage
	}
	if cfg.ViewerBacklog <= 0 {
		cfg.ViewerBacklog = defaultViewerBacklog
	}
	s := &Server{
		cfg:          cfg,
		clk:          clock.OrReal(cfg.Clock),
		logf:         cfg.Logf,
		shows:        map[string]*show{},
		viewers:      map[string]viewerRec{},
		whepByViewer: map[string]int{},
	}
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	s.lim = cfg.Limits.withDefaults()
	s.limits = NewLimiter(s.clk)
	s.mints = NewLimiter(s.clk)
	s.idem = newIdempotency()
	s.viewer = cfg.Viewer
	if s.viewer == nil {
		s.viewer = defaultViewer()
	}
	m, err := newMedia(s.logf)
	if err != nil {
		return nil, err
	}
	s.media = m
	lock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s.lock = lock
	db, err := openDB(cfg.DataDir, s.lim.WALLimit)
	if err != nil {
		lock.Close()
		return nil, err
	}
	s.db = db
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.load(); err != nil {
		s.cancel()
		db.Close()
		lock.Close()
		return nil, err
	}
	s.routes()
	s.wg.Add(1)
	go s.statsLoop()
	return s, nil
}

// load restores the token, the banned words and every show, and resumes pending audits.
func (s *Server) load() error {
	ctx := s.ctx
	s.token = s.cfg.StudioToken
	if s.token == "" {
		tok, ok, err := s.metaGet(ctx, "studio_token")
		if err != nil {
			return err
		}
		if !ok {
			tok = randomToken(16)
			if err := s.metaSet(ctx, "studio_token", tok); err != nil {
				return err
			}
		}
		s.token = tok
	}
	seeded, _, err := s.metaGet(ctx, "banned_seeded")
	if err != nil {
		return err
	}
	if seeded == "" {
		if err := s.storeBannedWords(ctx, DefaultBannedWords()); err != nil {
			return err
		}
		if err := s.metaSet(ctx, "banned_seeded", "1"); err != nil {
			return err
		}
	}
	if s.banned, err = s.readBannedWords(ctx); err != nil {
		return err
	}
	if err := s.closeStaleSpans(ctx); err != nil {
		return err
	}
	rows, err := s.loadShows(ctx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		sh := s.newShow(r)
		if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events WHERE show_id = ?`, r.ID).Scan(&sh.seq); err != nil {
			return fmt.Errorf("%w: read the event sequence of %s: %v", ErrStorage, r.ID, err)
		}
		sh.sentLikes = r.Likes
		s.shows[r.ID] = sh
		if r.State == "pending_audit" {
			s.scheduleAudit(sh, r.AuditAt.Sub(s.clk.Now()))
		}
	}
	return s.loadToolkit(ctx)
}

// Start listens on cfg.Addr and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (is another platform running there? pick another --addr): %w", s.cfg.Addr, err)
	}
	hs := &http.Server{Handler: s.mux, BaseContext: func(net.Listener) context.Context { return s.ctx },
		ReadHeaderTimeout: s.lim.ReadHeaderTimeout, ReadTimeout: s.lim.BodyTimeout, IdleTimeout: s.lim.IdleTimeout,
		MaxHeaderBytes: s.lim.MaxHeaderBytes, ErrorLog: log.New(logWriter(s.logf), "", 0)}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrClosed
	}
	s.ln, s.httpSrv = ln, hs
	s.url = "http://" + ln.Addr().String()
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("platform: serve: %v", err)
		}
	}()
	return nil
}

// ListenAndServe starts the server and blocks until Close.
func (s *Server) ListenAndServe() error {
	if err := s.Start(); err != nil {
		return err
	}
	<-s.ctx.Done()
	return nil
}

// URL is the base URL once started ("http://127.0.0.1:8089").
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// StudioToken is the token the studio must present.
func (s *Server) StudioToken() string { return s.token }

// Handler serves the whole API, for embedding in another http.Server or httptest.
func (s *Server) Handler() http.Handler { return s.mux }

// Close stops serving, ends every media session and closes the database.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	hs := s.httpSrv
	shows := make([]*show, 0, len(s.shows))
	for _, sh := range s.shows {
		shows = append(shows, sh)
	}
	s.mu.Unlock()
	s.cancel()
	if hs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		_ = hs.Shutdown(ctx)
		cancel()
	}
	for _, sh := range shows {
		sh.relay.close()
	}
	s.wg.Wait()
	err := s.db.Close()
	s.lock.Close() // after the database: the next platform may open it now
	return err
}

func (s *Server) routes() {
	m := http.NewServeMux()
	st := s.studio
	m.HandleFunc("POST /api/shows", st(s.handleCreateShow))
	m.HandleFunc("GET /api/shows", st(s.handleListShows))
	m.HandleFunc("GET /api/shows/{id}", st(s.handleGetShow))
	m.HandleFunc("POST /api/shows/{id}/trial", st(s.handleTrial))
	m.HandleFunc("POST /api/shows/{id}/trial/end", st(s.handleTrialEnd))
	m.HandleFunc("POST /api/shows/{id}/live", st(s.handleLive))
	m.HandleFunc("POST /api/shows/{id}/end", st(s.handleEnd))
	m.HandleFunc("GET /api/shows/{id}/report", st(s.handleReport))
	m.HandleFunc("POST /api/shows/{id}/replies", st(s.handleReply))
	m.HandleFunc("POST /api/shows/{id}/pins", st(s.handlePin))
	m.HandleFunc("DELETE /api/shows/{id}/pins", st(s.handleUnpin))
	m.HandleFunc("POST /api/shows/{id}/bulletins", st(s.handleBulletin))
	m.HandleFunc("POST /api/shows/{id}/moderation", st(s.handleModeration))
	m.HandleFunc("GET /api/banned-words", st(s.handleGetBanned))
	m.HandleFunc("PUT /api/banned-words", st(s.handlePutBanned))
	m.HandleFunc("POST /api/images", st(s.handleUploadImage))
	m.HandleFunc("GET /images/{name}", s.handleImage)
	m.HandleFunc("GET /api/anchor", st(s.handleAnchor))
	m.HandleFunc("GET /replays/{file}", s.handle(s.handleReplay))
	m.HandleFunc("GET /api/rankings", s.handle(s.handleRankings))
	m.HandleFunc("GET /venue", s.handleVenue)

	s.toolkitRoutes(m)
	m.HandleFunc("GET /api/shows/{id}/events", s.handleEvents)

	m.HandleFunc("GET /watch/{show}", s.handleWatch)
	m.Handle("GET /static/", http.StripPrefix("/static/", s.staticFiles()))
	vw := s.viewerCall
	m.HandleFunc("GET /api/shows/{id}/public", s.handle(s.handlePublic))
	m.HandleFunc("POST /api/viewer/name", vw(s.handleViewerName))
	m.HandleFunc("POST /api/shows/{id}/comments", vw(s.handleComment))
	m.HandleFunc("POST /api/shows/{id}/likes", vw(s.handleLike))
	m.HandleFunc("POST /api/shows/{id}/orders", vw(s.handleOrder))
	m.HandleFunc("POST /api/shows/{id}/bookings", vw(s.handleBooking))

	m.HandleFunc("POST /api/shows/{id}/guests", st(s.handleInviteGuest))
	m.HandleFunc("DELETE /api/shows/{id}/guests/{gid}", st(s.handleRemoveGuest))
	m.HandleFunc("GET /guest/{show}/{gid}", s.handleGuestPage)
	m.HandleFunc("GET /api/guest/{show}/{gid}", s.handle(s.handleGuestInfo))
	m.HandleFunc("POST /whip/{show}/guests/{gid}", s.handle(s.handleGuestWHIP))
	m.HandleFunc("PATCH /whip/{show}/guests/{gid}/{session}", s.handle(s.handleGuestWHIPSession))
	m.HandleFunc("DELETE /whip/{show}/guests/{gid}/{session}", s.handle(s.handleGuestWHIPSession))
	m.HandleFunc("POST /whep/{show}/guests/{gid}", s.handle(s.handleGuestWHEP))
	m.HandleFunc("PATCH /whep/{show}/guests/{gid}/{session}", s.handle(s.handleGuestWHEPSession))
	m.HandleFunc("DELETE /whep/{show}/guests/{gid}/{session}", s.handle(s.handleGuestWHEPSession))

	m.HandleFunc("POST /whip/{show}/guests/{gid}/return", s.handle(s.handleReturnWHIP))
	m.HandleFunc("PATCH /whip/{show}/guests/{gid}/return/{session}", s.handle(s.handleReturnWHIPSession))
	m.HandleFunc("DELETE /whip/{show}/guests/{gid}/return/{session}", s.handle(s.handleReturnWHIPSession))
	m.HandleFunc("POST /whep/{show}/guests/{gid}/return", s.handle(s.handleReturnWHEP))
	m.HandleFunc("PATCH /whep/{show}/guests/{gid}/return/{session}", s.handle(s.handleReturnWHEPSession))
	m.HandleFunc("DELETE /whep/{show}/guests/{gid}/return/{session}", s.handle(s.handleReturnWHEPSession))

	m.HandleFunc("POST /whip/{show}", s.handle(s.handleWHIP))
	m.HandleFunc("DELETE /whip/{show}/{session}", s.handle(s.handleWHIPDelete))
	m.HandleFunc("PATCH /whip/{show}/{session}", s.handle(s.handleWHIPPatch))
	m.HandleFunc("POST /whep/{show}", s.handle(s.handleWHEP))
	m.HandleFunc("DELETE /whep/{show}/{session}", s.handle(s.handleWHEPDelete))
	m.HandleFunc("PATCH /whep/{show}/{session}", s.handle(s.handleWHEPPatch))

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, fail(ErrNotFound, "no such route: %s %s (see docs/platform-api.md)", r.Method, r.URL.Path))
	})
	s.mux = s.cors(m)
}

// handle serves a handler that returns its failure: the error becomes the
// JSON error answer (and a log line when it is the platform's fault).
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.reportError(err)
			writeError(w, err)
		}
	}
}

// viewerCall serves a viewer's call that changes something: it must come
// from the platform's own pages (see sameOrigin). New viewer routes use it.
func (s *Server) viewerCall(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := sameOrigin(r); err != nil {
			return err
		}
		return h(w, r)
	})
}

// studio guards a handler with the studio's Bearer token.
func (s *Server) studio(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	run := s.handle(h)
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.isStudio(r) {
			writeError(w, fail(ErrUnauthorized, "the platform refused the studio token: send Authorization: Bearer <studio token> as printed by `showcaster platform`"))
			return
		}
		if key := r.Header.Get("Idempotency-Key"); key != "" && r.Method != http.MethodGet {
			call, err := fingerprint(r, maxImage)
			if err != nil {
				writeError(w, err)
				return
			}
			s.idem.serve(key, call, s.clk.Now(), w, r, run)
			return
		}
		run(w, r)
	}
}

func (s *Server) isStudio(r *http.Request) bool {
	tok, ok := bearer(r)
	return ok && subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) == 1
}

func (s *Server) reportError(err error) {
	if st, _ := statusOf(err); st >= 500 {
		s.logf("platform: %v", err)
	}
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	const p = "Bearer "
	if len(h) <= len(p) || !strings.EqualFold(h[:len(p)], p) {
		return "", false
	}
	return strings.TrimSpace(h[len(p):]), true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, err error) {
	status, code := statusOf(err)
	var b errorBody
	b.Error.Code = code
	b.Error.Message = err.Error()
	var rl *rateError
	if errors.As(err, &rl) {
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.retry/time.Second)+1))
	}
	writeJSON(w, status, b)
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the OS's entropy source is gone; nothing sensible remains
	}
	return hex.EncodeToString(b)
}

// baseURL is the URL the caller reached us at, so links work on loopback and LAN alike.
func (s *Server) baseURL(r *http.Request) string {
	if r != nil && r.Host != "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		return scheme + "://" + r.Host
	}
	return s.URL()
}

// logWriter sends the HTTP server's own complaints (a bad handshake, a
// connection cut off by a timeout) to Logf.
type logWriter func(string, ...any)

func (f logWriter) Write(p []byte) (int, error) {
	f("platform: http: %s", strings.TrimSpace(string(p)))
	return len(p), nil
}

// statsLoop sends the like and online totals once a second when they changed,
// and samples the per-minute report series.
func (s *Server) statsLoop() {
	defer s.wg.Done()
	t := s.clk.NewTicker(statsPeriod)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-t.C():
			s.housekeep(s.clk.Now())
			s.mu.Lock()
			shows := make([]*show, 0, len(s.shows))
			for _, sh := range s.shows {
				shows = append(shows, sh)
			}
			s.mu.Unlock()
			for _, sh := range shows {
				sh.tick(now)
			}
		}
	}
}
