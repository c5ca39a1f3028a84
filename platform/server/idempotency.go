package server

import (
	"bytes"
	"crypto/sha256"
	"io"
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
	call   [32]byte // what the key was first used for: method, path and body
	at     time.Time
	status int
	header http.Header
	body   []byte
}

type idempotency struct {
	mu      sync.Mutex
	answers map[string]*idemAnswer
	busy    map[string]chan struct{} // keys whose first call is running
	calls   map[string][32]byte      // the call of each busy key
}

func newIdempotency() *idempotency {
	return &idempotency{answers: map[string]*idemAnswer{}, busy: map[string]chan struct{}{}, calls: map[string][32]byte{}}
}

// fingerprint identifies a call: its method, its path and query, and its
// body (read here, at most limit bytes, and put back for the handler).
func fingerprint(r *http.Request, limit int64) ([32]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return [32]byte{}, fail(ErrBadRequest, "reading the request body: %v", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	io.WriteString(h, r.Method+" "+r.URL.RequestURI()+"\n")
	bsum := sha256.Sum256(body)
	h.Write(bsum[:])
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out, nil
}

func keyReused(key string) error {
	return fail(ErrKeyReused, "the Idempotency-Key %q was already used for another call (another method, path or body): send a new key with every new call", key)
}

// serve runs h once per key and replays its answer for repeats of the same
// call; the key used again for a different call is refused (422).
func (c *idempotency) serve(key string, call [32]byte, now time.Time, w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	for {
		c.mu.Lock()
		if a, ok := c.answers[key]; ok && now.Sub(a.at) < idempotencyTTL {
			c.mu.Unlock()
			if a.call != call {
				writeError(w, keyReused(key))
				return
			}
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
			c.calls[key] = call
			c.mu.Unlock()
			break
		}
		if c.calls[key] != call {
			c.mu.Unlock()
			writeError(w, keyReused(key))
			return
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
	delete(c.calls, key)
	// Only answers the studio can act on are remembered; a server error may
	// be retried for real.
	if rec.status < 500 {
		c.answers[key] = &idemAnswer{call: call, at: now, status: rec.status, header: w.Header().Clone(), body: rec.buf.Bytes()}
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
