package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"showcaster/assets"
	"showcaster/capture"
	"showcaster/internal/clock"
)

// TestTimecodeReader checks the page's time-code reader (timecode.js) against
// frames of the real test pattern, at two sizes and after lossy compression,
// so the latency figures rest on a decoder that agrees with capture.
func TestTimecodeReader(t *testing.T) {
	b := newBrowser(t)

	type frame struct {
		name string
		w, h int
		tc   capture.Timecode
		jpeg []byte
	}
	var frames []frame
	start := time.UnixMilli(1_790_000_123_456)
	for _, size := range [][2]int{{1280, 720}, {640, 360}} {
		clk := clock.NewFake(start)
		src, err := capture.NewTestPatternChecked(capture.TestPatternConfig{Width: size[0], Height: size[1], Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			got := make(chan capture.VideoFrame, 1)
			errc := make(chan error, 1)
			go func() {
				f, err := src.Read()
				if err != nil {
					errc <- err
					return
				}
				got <- f
			}()
			var f capture.VideoFrame
			for f.Image == nil {
				select {
				case f = <-got:
				case err := <-errc:
					t.Fatal(err)
				case <-time.After(10 * time.Millisecond):
					clk.Advance(time.Second / 30)
				}
			}
			tc, ok := capture.ReadTimecode(f.Image)
			if !ok {
				t.Fatalf("capture cannot read its own time code at %dx%d", size[0], size[1])
			}
			rgba := image.NewRGBA(f.Image.Bounds())
			draw.Draw(rgba, rgba.Bounds(), f.Image, f.Image.Bounds().Min, draw.Src)
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: 60}); err != nil {
				t.Fatal(err)
			}
			frames = append(frames, frame{name: fmt.Sprintf("%dx%d-%d", size[0], size[1], i), w: size[0], h: size[1], tc: tc, jpeg: buf.Bytes()})
		}
		src.Close()
	}

	static, err := fs.Sub(assets.Viewer, "viewer")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("/frame/{i}", func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscan(r.PathValue("i"), &i)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(frames[i].jpeg)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><script src="/static/timecode.js"></script>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tb := b.newTab("timecode")
	tb.navigate(srv.URL + "/")
	for i, f := range frames {
		expr := fmt.Sprintf(`new Promise((resolve) => {
  const img = new Image();
  img.onload = () => resolve(ShowcasterTimecode.read(img, %d, %d, {}));
  img.onerror = () => resolve({error: "image did not load"});
  img.src = "/frame/%d";
})`, f.w, f.h, i)
		got := mustEval[struct {
			Frame     uint32 `json:"frame"`
			CaptureMs int64  `json:"captureMs"`
			Error     string `json:"error"`
		}](tb, expr)
		if got.Error != "" || got.Frame != f.tc.Frame || got.CaptureMs != f.tc.Time.UnixMilli() {
			t.Errorf("%s: page read %+v, want frame %d at %d", f.name, got, f.tc.Frame, f.tc.Time.UnixMilli())
		}
	}

	// A picture without a code is not a reading.
	none := mustEval[bool](tb, `(() => {
  const c = document.createElement("canvas");
  c.width = 320; c.height = 180;
  const g = c.getContext("2d");
  g.fillStyle = "#808080"; g.fillRect(0, 0, 320, 180);
  return ShowcasterTimecode.read(c, 320, 180, {}) === null;
})()`)
	if !none {
		t.Error("a grey picture decoded as a time code")
	}
}
