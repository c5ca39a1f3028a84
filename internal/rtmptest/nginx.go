// Package rtmptest runs a real RTMP server for tests: Debian's nginx with
// libnginx-mod-rtmp, on a loopback port, with a private configuration and
// temporary folders. It records every published stream to FLV and asks an
// on_publish handler in the test whether a stream may go live.
package rtmptest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Module is where Debian installs the RTMP module.
const Module = "/usr/lib/nginx/modules/ngx_rtmp_module.so"

// Publish is one on_publish call nginx made.
type Publish struct {
	Name string     // the stream name, without its query
	Args url.Values // the query of the stream key (expire=…&sign=…) and nginx's fields
}

// Server is a running nginx RTMP server.
type Server struct {
	Port      int
	RecordDir string // <RecordDir>/<name>.flv per stream

	t       *testing.T
	dir     string
	conf    string
	cmd     *exec.Cmd
	exited  chan struct{}
	hook    *httptest.Server
	mu      sync.Mutex
	refuse  map[string]bool // stream names on_publish answers 403
	publish []Publish
}

// Start runs nginx, or skips the test with a clear message when nginx or
// its RTMP module is not installed (make deps installs both). Apps are
// "live" and "third" (what Douyin's push URLs use).
func Start(t *testing.T) *Server {
	t.Helper()
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if _, err = os.Stat("/usr/sbin/nginx"); err == nil {
			nginx = "/usr/sbin/nginx"
		}
	}
	if nginx == "" {
		t.Skip("nginx is not installed: run make deps (nginx, libnginx-mod-rtmp) to run the RTMP tests")
	}
	if _, err := os.Stat(Module); err != nil {
		t.Skip("nginx's RTMP module is not installed: run make deps (libnginx-mod-rtmp) to run the RTMP tests")
	}
	s := &Server{t: t, dir: t.TempDir(), refuse: map[string]bool{}}
	s.RecordDir = filepath.Join(s.dir, "rec")
	if err := os.MkdirAll(s.RecordDir, 0o755); err != nil {
		t.Fatal(err)
	}
	s.hook = httptest.NewServer(http.HandlerFunc(s.onPublish))
	t.Cleanup(s.hook.Close)
	for try := 0; ; try++ {
		s.Port = freePort(t)
		if err := s.run(nginx); err == nil {
			break
		} else if try == 4 {
			t.Fatalf("nginx did not start: %v", err)
		}
	}
	t.Cleanup(s.Stop)
	return s
}

// URL is the address of an application on the server.
func (s *Server) URL(app string) string {
	return fmt.Sprintf("rtmp://127.0.0.1:%d/%s", s.Port, app)
}

// Refuse makes on_publish answer 403 for a stream name.
func (s *Server) Refuse(name string) {
	s.mu.Lock()
	s.refuse[name] = true
	s.mu.Unlock()
}

// Publishes returns the on_publish calls so far.
func (s *Server) Publishes() []Publish {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Publish(nil), s.publish...)
}

// Recording is the FLV file of a stream.
func (s *Server) Recording(name string) string {
	return filepath.Join(s.RecordDir, name+".flv")
}

func (s *Server) onPublish(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := Publish{Name: r.Form.Get("name"), Args: r.Form}
	s.mu.Lock()
	s.publish = append(s.publish, p)
	refuse := s.refuse[p.Name]
	s.mu.Unlock()
	if refuse {
		http.Error(w, "refused", http.StatusForbidden)
		return
	}
	w.WriteHeader(http.StatusOK)
}

const config = `load_module %s;
daemon off;
master_process off;
worker_processes 1;
error_log %s/error.log info;
pid %s/nginx.pid;
events { worker_connections 128; }
rtmp {
	server {
		listen 127.0.0.1:%d;
		chunk_size 4096;
		ping 0;
		application live { live on; record all; record_path %s; record_unique off; on_publish %s/on_publish; }
		application third { live on; record all; record_path %s; record_unique off; on_publish %s/on_publish; }
	}
}
`

func (s *Server) run(nginx string) error {
	s.conf = filepath.Join(s.dir, "nginx.conf")
	c := fmt.Sprintf(config, Module, s.dir, s.dir, s.Port, s.RecordDir, s.hook.URL, s.RecordDir, s.hook.URL)
	if err := os.WriteFile(s.conf, []byte(c), 0o644); err != nil {
		return err
	}
	cmd := exec.Command(nginx, "-p", s.dir, "-c", s.conf, "-e", filepath.Join(s.dir, "error.log"))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited
	// Ready when the port answers.
	end := time.Now().Add(20 * time.Second)
	for time.Now().Before(end) {
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(s.dir, "error.log"))
			return fmt.Errorf("nginx exited: %s", tail(string(log)))
		default:
		}
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(s.Port), time.Second); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Stop()
	return fmt.Errorf("nginx did not listen on %d in 20 s", s.Port)
}

// Stop ends nginx (the process this test started, by its pid). Recordings
// are finalized when their publisher goes, so stop publishing first.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// Restart starts nginx again on the same port, as a server coming back.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	nginx := "nginx"
	if p, err := exec.LookPath("nginx"); err == nil {
		nginx = p
	} else {
		nginx = "/usr/sbin/nginx"
	}
	end := time.Now().Add(20 * time.Second)
	for {
		err := s.run(nginx)
		if err == nil {
			return
		}
		if time.Now().After(end) {
			s.t.Fatalf("nginx did not start again: %v", err)
		}
		time.Sleep(200 * time.Millisecond) // the port may linger a moment
	}
}

// ErrorLog is nginx's log, for failure messages.
func (s *Server) ErrorLog() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "error.log"))
	return tail(string(b))
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
