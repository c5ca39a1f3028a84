package server

import (
	"bytes"
	"net/http"
	"sync"
	"time"
)

// Studio calls that change something carry an Idempotency-Key. The client
// may send such a call twice — Go's HTTP client does so by itself when a
// kept-alive connection turns out to be closed (a platform restart) — and
// the second must not post a second reply or create a second show: the
// platform answers it with the first answer.
const (
	idempotencyTTL = 10 * time.Minute
	idempotencyMax = 4096
)

type idemAnswer struct {
	at     time.Time
	status int
	header http.Header
	body   []byte
}

type idempotency struct {
	mu      sync.Mutex
	answers map[string]*idemAnswer
	busy    map[string]chan struct{} // keys whose first call is running
}

func newIdempotency() *idempotency {
	return &idempotency{answers: map[string]*idemAnswer{}, busy: map[string]chan struct{}{}}
}

// serve runs h once per key and replays its answer for repeats.
func (c *idempotency) serve(key string, now time.Time, w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	for {
		c.mu.Lock()
		if a, ok := c.answers[key]; ok && now.Sub(a.at) < idempotencyTTL {
			c.mu.Unlock()
			for k, v := range a.header {
				w.Header()[k] = v
			}
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(a.status)
			w.Write(a.body)
			return
		}
		wait, running := c.busy[key]
		if !running {
			c.busy[key] = make(chan struct{})
			c.mu.Unlock()
			break
		}
		c.mu.Unlock()
		<-wait
	}
	rec := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
	h(rec, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.busy[key])
	delete(c.busy, key)
	// Only answers the studio can act on are remembered; a server error may
	// be retried for real.
	if rec.status < 500 {
		c.answers[key] = &idemAnswer{at: now, status: rec.status, header: w.Header().Clone(), body: rec.buf.Bytes()}
	}
	if len(c.answers) > idempotencyMax {
		for k, a := range c.answers {
			if now.Sub(a.at) >= idempotencyTTL || len(c.answers) > idempotencyMax {
				delete(c.answers, k)
			}
		}
	}
}

type recordingWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	wrote  bool
}

func (w *recordingWriter) WriteHeader(status int) {
	if !w.wrote {
		w.status, w.wrote = status, true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.wrote = true
	w.buf.Write(p)
	return w.ResponseWriter.Write(p)
}
