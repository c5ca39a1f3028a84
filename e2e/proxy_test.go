package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a reverse proxy in front of the platform that notes every
// request a page makes through it, including those a page sends as it
// unloads, which the browser's own tooling no longer reports.
type recorder struct {
	t    testing.TB
	url  string
	mu   sync.Mutex
	seen []string // "METHOD /path"
}

func newRecorder(t testing.TB, target string) *recorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{t: t}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.seen = append(rec.seen, r.Method+" "+r.URL.Path)
		rec.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rec.url = srv.URL
	return rec
}

// via rewrites a platform URL to go through the recorder.
func (rec *recorder) via(platformURL string) string {
	u, err := url.Parse(platformURL)
	if err != nil {
		rec.t.Fatal(err)
	}
	return rec.url + u.RequestURI()
}

// waitRequest waits until a request with this method to a path starting
// with prefix has passed.
func (rec *recorder) waitRequest(method, prefix string, deadline time.Duration) {
	rec.t.Helper()
	end := time.Now().Add(deadline)
	for {
		rec.mu.Lock()
		for _, r := range rec.seen {
			if strings.HasPrefix(r, method+" "+prefix) {
				rec.mu.Unlock()
				return
			}
		}
		n := len(rec.seen)
		rec.mu.Unlock()
		if time.Now().After(end) {
			rec.t.Fatalf("no %s %s… within %v (%d requests seen)", method, prefix, deadline, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
