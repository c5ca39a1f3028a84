package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	"showcaster/internal/clock"
	"showcaster/platform"
)

var epoch = time.Date(2026, 11, 23, 20, 0, 0, 0, time.FixedZone("CST", 8*3600))

// testPlatform is a started server on loopback with a studio client.
type testPlatform struct {
	t      testing.TB
	srv    *Server
	clk    *clock.Fake
	studio *platform.Client
	dir    string
}

func startPlatform(t testing.TB, dir string, clk *clock.Fake) *testPlatform {
	t.Helper()
	srv, err := New(Config{DataDir: dir, Clock: clk, StudioToken: "studio-secret", AuditDelay: 3 * time.Second,
		Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	p := &testPlatform{t: t, srv: srv, clk: clk, dir: dir,
		studio: platform.NewClient(platform.ClientConfig{BaseURL: srv.URL(), Token: srv.StudioToken()})}
	t.Cleanup(func() { srv.Close() })
	return p
}

func newPlatform(t *testing.T) *testPlatform {
	return startPlatform(t, t.TempDir(), clock.NewFake(epoch))
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// approvedShow creates a show and runs its audit.
func (p *testPlatform) approvedShow(title string) platform.Show {
	p.t.Helper()
	s, err := p.studio.CreateShow(ctx(p.t), platform.NewShow{Title: title, StartsAt: epoch, DurationMin: 120, ProductIDs: []string{"p1"}})
	if err != nil {
		p.t.Fatal(err)
	}
	p.clk.Advance(3 * time.Second)
	return p.waitState(s.ID, platform.StateApproved, platform.StateRejected)
}

func (p *testPlatform) waitState(id string, want ...platform.ShowState) platform.Show {
	p.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, err := p.studio.Show(ctx(p.t), id)
		if err != nil {
			p.t.Fatal(err)
		}
		for _, w := range want {
			if s.State == w {
				return s
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("show %s is %s, want %v", id, s.State, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// liveShow is an approved show gone live.
func (p *testPlatform) liveShow(title string) (platform.Show, platform.Ingest) {
	p.t.Helper()
	s := p.approvedShow(title)
	in, err := p.studio.GoLive(ctx(p.t), s.ID)
	if err != nil {
		p.t.Fatal(err)
	}
	return s, in
}

// viewer is a browser-like HTTP client with its own cookie jar.
type viewer struct {
	t    testing.TB
	base string
	hc   *http.Client
	key  string
	me   platform.Viewer
}

func (p *testPlatform) newViewer(showID, key string) *viewer {
	p.t.Helper()
	jar, _ := cookiejar.New(nil)
	v := &viewer{t: p.t, base: p.srv.URL(), hc: &http.Client{Jar: jar, Timeout: 10 * time.Second}, key: key}
	var pub platform.Public
	if st := v.call("GET", "/api/shows/"+showID+"/public", nil, &pub); st != 200 {
		p.t.Fatalf("public: %d", st)
	}
	v.me = pub.Viewer
	return v
}

func (v *viewer) withKey(path string) string {
	if v.key == "" {
		return path
	}
	return path + "?key=" + v.key
}

// call sends a request and decodes the JSON answer; it returns the status.
func (v *viewer) call(method, path string, in, out any) int {
	v.t.Helper()
	var body io.Reader
	if in != nil {
		if raw, ok := in.([]byte); ok {
			body = bytes.NewReader(raw)
		} else {
			b, _ := json.Marshal(in)
			body = bytes.NewReader(b)
		}
	}
	req, _ := http.NewRequest(method, v.base+v.withKey(path), body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json") // as the viewer page sends it
	}
	resp, err := v.hc.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			v.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, data, err)
		}
	}
	return resp.StatusCode
}

func (v *viewer) comment(showID, text string) (platform.Comment, int) {
	var c platform.Comment
	st := v.call("POST", "/api/shows/"+showID+"/comments", map[string]string{"text": text}, &c)
	return c, st
}

// apiErr decodes an error answer.
type apiErr struct {
	Error struct{ Code, Message string } `json:"error"`
}

func jsonNewDecoder(resp *http.Response) *json.Decoder { return json.NewDecoder(resp.Body) }
