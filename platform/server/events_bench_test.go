package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"showcaster/internal/clock"
	"showcaster/platform"
)

// BenchmarkEventSockets measures the platform's memory while 50 event
// sockets open at after=0 on a show with a 20,000-event history (the probe of
// docs/security.md): viewers (who start from a recent window) and studios
// (who read everything, page by page). Reported: peak heap growth per socket.
//
//	go test ./platform/server -run '^$' -bench EventSockets -benchtime 1x
func BenchmarkEventSockets(b *testing.B) {
	const history, sockets = 20000, 50
	p := startPlatform(b, b.TempDir(), clock.NewFake(epoch))
	s, _ := p.liveShow("两万条")
	sh, err := p.srv.lookup(s.ID)
	if err != nil {
		b.Fatal(err)
	}
	sh.mu.Lock()
	for i := 0; i < history; i++ {
		c := &platform.Comment{ID: fmt.Sprint("c", i), Viewer: platform.Viewer{ID: "v1", Name: "观众1234"},
			Text: strings.Repeat("这件还有货吗", 8), At: epoch}
		if err := sh.emitLocked(platform.Event{Type: platform.EventComment, Comment: c}, scopePublic, "", false); err != nil {
			b.Fatal(err)
		}
	}
	last := sh.seq
	sh.mu.Unlock()
	wsURL := strings.Replace(p.srv.URL(), "http", "ws", 1) + "/api/shows/" + s.ID + "/events?after=0"
	for _, kind := range []string{"viewer", "studio"} {
		b.Run(kind, func(b *testing.B) {
			for n := 0; n < b.N; n++ {
				opts := make([]*websocket.DialOptions, sockets)
				for i := range opts {
					if kind == "studio" {
						opts[i] = &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + p.srv.StudioToken()}}}
					} else {
						opts[i] = &websocket.DialOptions{HTTPClient: p.newViewer(s.ID, "").hc}
					}
				}
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapInuse
				var peak atomic.Uint64
				stop := make(chan struct{})
				var sampler sync.WaitGroup
				sampler.Add(1)
				go func() {
					defer sampler.Done()
					t := time.NewTicker(2 * time.Millisecond)
					defer t.Stop()
					for {
						select {
						case <-stop:
							return
						case <-t.C:
							var m runtime.MemStats
							runtime.ReadMemStats(&m)
							if m.HeapInuse > peak.Load() {
								peak.Store(m.HeapInuse)
							}
						}
					}
				}()
				var wg sync.WaitGroup
				var received atomic.Int64
				for i := 0; i < sockets; i++ {
					wg.Add(1)
					go func(o *websocket.DialOptions) {
						defer wg.Done()
						cx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
						defer cancel()
						c, _, err := websocket.Dial(cx, wsURL, o)
						if err != nil {
							b.Error(err)
							return
						}
						defer c.CloseNow()
						c.SetReadLimit(1 << 20)
						for {
							_, data, err := c.Read(cx)
							if err != nil {
								b.Error(err)
								return
							}
							received.Add(1)
							var e struct{ Seq int64 }
							json.Unmarshal(data, &e)
							if e.Seq >= last {
								return
							}
						}
					}(opts[i])
				}
				wg.Wait()
				close(stop)
				sampler.Wait()
				grow := float64(0)
				if pk := peak.Load(); pk > base {
					grow = float64(pk - base)
				}
				b.ReportMetric(grow/sockets/1e6, "peakMB/socket")
				b.ReportMetric(float64(received.Load())/sockets, "events/socket")
			}
		})
	}
}
