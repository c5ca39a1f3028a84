package remote

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Config configures a Server. Off by default in the studio: nothing listens
// until a Server is started.
type Config struct {
	// Addr is host:port; empty means 127.0.0.1:4455, OBS's default port.
	Addr string
	// Password protects the control with obs-websocket's challenge; empty
	// turns authentication off, which is allowed on loopback only.
	Password string
	// AllowRemote lets Addr be off loopback (other machines on the network).
	AllowRemote bool
	Studio      Studio
	// Version is the studio's own version, for GetVersion's description.
	Version string
	// Logf, when set, hears about connections and failures.
	Logf func(format string, args ...any)
	// Video is the canvas, for GetVideoSettings.
	Width, Height, FPS int
}

// Server serves obs-websocket v5 over WebSocket.
type Server struct {
	cfg      Config
	handlers map[string]handler
	ln       net.Listener
	srv      *http.Server

	mu       sync.Mutex
	sessions map[*session]bool
	closed   bool
	running  sync.WaitGroup // sessions still writing
	onClose  func()         // set by an adapter that runs beside the server
}

// DefaultAddr is where remote control listens unless told otherwise.
const DefaultAddr = "127.0.0.1:4455"

// NewPassword returns a random password for Settings to show.
func NewPassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Start listens on cfg.Addr and serves until Close.
func Start(cfg Config) (*Server, error) {
	if cfg.Studio == nil {
		return nil, errors.New("remote: Config.Studio is nil")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("remote control address %q: %w", cfg.Addr, ErrListen)
	}
	if host == "" && !cfg.AllowRemote {
		// ":4455" means this machine unless other machines were let in.
		host = "127.0.0.1"
		cfg.Addr = net.JoinHostPort(host, port)
	}
	loopback := host == "localhost"
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		loopback = true
	}
	if !loopback && !cfg.AllowRemote {
		return nil, fmt.Errorf("remote control address %q: %w", cfg.Addr, ErrAddress)
	}
	if !loopback && cfg.Password == "" {
		return nil, fmt.Errorf("remote control address %q: %w", cfg.Addr, ErrNoPassword)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("remote control on %s: %w: %v", cfg.Addr, ErrListen, err)
	}
	s := &Server{cfg: cfg, handlers: handlers(), ln: ln, sessions: map[*session]bool{}}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serveHTTP)}
	go s.srv.Serve(ln)
	return s, nil
}

// Addr is the address the server listens on (with the real port for ":0").
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Close ends every session and stops listening.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	if s.onClose != nil {
		s.onClose()
	}
	var all []*session
	for ss := range s.sessions {
		all = append(all, ss)
	}
	s.mu.Unlock()
	for _, ss := range all {
		ss.shutdown()
	}
	err := s.srv.Close()
	// Let the sessions send what they have (the answer to the StopStream
	// that ended a run) before the process exits, but not for long: a
	// client that does not read must not hold the studio open. The bound is
	// on the wall clock on purpose; it only limits the wait at exit.
	done := make(chan struct{})
	go func() { s.running.Wait(); close(done) }()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return err
}

// Emit tells every identified client that subscribed to its category.
// It never waits for a slow client: a client whose queue is full is
// disconnected rather than left holding up the studio.
func (s *Server) Emit(ev Event) {
	typ, intent, data := encodeEvent(ev)
	if typ == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for ss := range s.sessions {
		ss.event(typ, intent, data)
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols: []string{subprotocolJSON, subprotocolMsgpack},
		// Like OBS, any origin may connect: the password is the guard
		// (browser-based panels are served from their own origin).
		InsecureSkipVerify: true,
	})
	if err != nil {
		return
	}
	c.SetReadLimit(16 << 20)
	ss := newSession(s, c, c.Subprotocol() == subprotocolMsgpack)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.Close(websocket.StatusGoingAway, "the studio is closing")
		return
	}
	s.sessions[ss] = true
	s.running.Add(1)
	s.mu.Unlock()
	defer s.running.Done()
	s.logf("remote control: %s connected (%s)", r.RemoteAddr, ss.codecName())
	ss.run(r.Context())
	s.mu.Lock()
	delete(s.sessions, ss)
	s.mu.Unlock()
}

// authResponse is obs-websocket's answer to a challenge:
// base64(sha256(base64(sha256(password + salt)) + challenge)).
func authResponse(password, salt, challenge string) string {
	secret := sha256.Sum256([]byte(password + salt))
	s64 := base64.StdEncoding.EncodeToString(secret[:])
	resp := sha256.Sum256([]byte(s64 + challenge))
	return base64.StdEncoding.EncodeToString(resp[:])
}

// jsonNumber turns JSON's numbers and msgpack's integer types into float64.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}
