package app

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
)

// RemoteControlFunc serves remote control (obs-websocket) for a studio on
// addr; package remote provides it (main hands it to the studio, since app
// cannot import its own front ends). lan lets other machines connect.
type RemoteControlFunc func(s *Studio, addr, password string, lan bool) (io.Closer, error)

// DefaultRemotePort is obs-websocket's usual port.
const DefaultRemotePort = 4455

// NewRemotePassword returns a random password for remote control.
func NewRemotePassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// remoteAddr is where remote control listens with these settings: this
// machine only, unless other machines are let in.
func (s Settings) remoteAddr() string {
	host := "127.0.0.1"
	if s.RemoteLAN {
		host = "0.0.0.0"
	}
	port := s.RemotePort
	if port == 0 {
		port = DefaultRemotePort
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// RemoteAddress is the address a panel connects to (ws://…), "" when
// remote control is off.
func (s *Studio) RemoteAddress() string {
	st := s.Settings()
	if !st.RemoteControl {
		return ""
	}
	return "ws://" + st.remoteAddr()
}

// remoteRoom holds the remote-control server the settings ask for.
type remoteRoom struct {
	mu  sync.Mutex
	srv io.Closer
	on  Settings // the settings it was started with
}

// applyRemote starts, restarts or stops remote control to match st. A
// port that cannot be opened is told to the host; the studio goes on.
func (s *Studio) applyRemote(st Settings) {
	if s.cfg.RemoteControl == nil {
		return
	}
	r := &s.remote
	r.mu.Lock()
	defer r.mu.Unlock()
	same := r.on.RemoteControl == st.RemoteControl && r.on.RemoteLAN == st.RemoteLAN &&
		r.on.RemotePort == st.RemotePort && r.on.RemotePassword == st.RemotePassword
	if same && (r.srv != nil) == st.RemoteControl {
		return
	}
	if r.srv != nil {
		r.srv.Close()
		r.srv = nil
	}
	r.on = st
	if !st.RemoteControl {
		return
	}
	srv, err := s.cfg.RemoteControl(s, st.remoteAddr(), st.RemotePassword, st.RemoteLAN)
	if err != nil {
		s.emit(Notice{Err: fmt.Errorf("%w: %v", ErrRemoteControl, err)})
		return
	}
	r.srv = srv
	s.cfg.Logf("remote control (obs-websocket) on ws://%s", st.remoteAddr())
}

func (s *Studio) closeRemote() {
	r := &s.remote
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.srv != nil {
		r.srv.Close()
		r.srv = nil
	}
}
