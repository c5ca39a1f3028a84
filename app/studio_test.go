package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"showcaster/app/store"
	"showcaster/platform"
	"showcaster/scene"
)

func startStudio(t *testing.T) *Studio {
	t.Helper()
	s, err := NewStudio(StudioConfig{DataDir: t.TempDir(), PlatformAddr: "127.0.0.1:0", AuditDelay: 50 * time.Millisecond,
		NoDevices: true, Settings: Settings{Width: 640, Height: 360, FPS: 30, MaxKbps: 800}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// waitEvent reads the studio's events until one satisfies ok.
func waitEvent[T Event](t *testing.T, s *Studio, what string, ok func(T) bool) T {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev := <-s.Events():
			if v, is := ev.(T); is && ok(v) {
				return v
			}
		case <-deadline:
			t.Fatalf("no %s within 20 s", what)
		}
	}
}

// viewer is a person on the viewer page, with the cookie the page sets.
type viewer struct {
	http *http.Client
	base string
}

func newViewer(t *testing.T, base string) *viewer {
	jar, _ := cookiejar.New(nil)
	return &viewer{http: &http.Client{Jar: jar, Timeout: 5 * time.Second}, base: base}
}

func (v *viewer) comment(t *testing.T, viewerURL, showID, text string) {
	t.Helper()
	u, err := url.Parse(viewerURL)
	if err != nil {
		t.Fatal(err)
	}
	key := u.Query().Get("key")
	q := ""
	if key != "" {
		q = "?key=" + url.QueryEscape(key)
	}
	resp, err := v.http.Get(v.base + "/api/shows/" + showID + "/public" + q)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = v.http.Post(v.base+"/api/shows/"+showID+"/comments"+q, "application/json", strings.NewReader(`{"text":"`+text+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("posting a comment: %s", resp.Status)
	}
}

// TestStudioTrialFlow: create a show, wait for the audit, start a trial with
// its countdown, see the stream live, receive a viewer's comment, reply
// privately, end the trial.
func TestStudioTrialFlow(t *testing.T) {
	s := startStudio(t)
	ctx := context.Background()
	if s.Preview(320, 180) == nil {
		waitEvent(t, s, "first stats", func(Stats) bool { return s.Preview(320, 180) != nil })
	}
	sh, err := s.CreateShow(ctx, "周末特卖 trial", time.Now().Add(time.Hour), 90*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.StartTrial(ctx); err == nil {
		t.Fatal("a trial started before the audit answered")
	}
	waitEvent(t, s, "approval", func(e ShowStateChanged) bool { return e.Show.State == platform.StateApproved })

	if err := s.StartTrial(ctx); err != nil {
		t.Fatal(err)
	}
	var counts []int
	waitEvent(t, s, "trial state", func(e ShowStateChanged) bool {
		if e.CountdownLeft > 0 {
			counts = append(counts, e.CountdownLeft)
		}
		return e.Show.State == platform.StateTrial
	})
	if len(counts) != 3 || counts[0] != 3 || counts[2] != 1 {
		t.Errorf("countdown went %v, want 3 2 1", counts)
	}
	if !strings.Contains(s.ViewerURL(), "key=") {
		t.Errorf("trial viewer link %q carries no trial key", s.ViewerURL())
	}
	waitEvent(t, s, "a live stats report", func(st Stats) bool { return st.State == StreamLive && st.FramesSent > 0 })

	v := newViewer(t, s.PlatformURL())
	v.comment(t, s.ViewerURL(), sh.ID, "1号链接还有货吗")
	c := waitEvent(t, s, "the viewer's comment", func(e CommentReceived) bool { return e.Comment.Text == "1号链接还有货吗" }).Comment
	if err := s.Reply(ctx, c, "有的，马上上架", true); err != nil {
		t.Fatal(err)
	}
	r := waitEvent(t, s, "the reply", func(e ReplySent) bool { return e.Reply.CommentID == c.ID }).Reply
	if !r.Private {
		t.Error("a private reply came back public")
	}
	if err := s.ShowCommentOnAir(c); err != nil || !s.CommentOnAir() {
		t.Errorf("comment on air: %v", err)
	}

	if err := s.EndShow(ctx); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.CurrentShow(); cur.State != platform.StateApproved {
		t.Errorf("after ending the trial the show is %s, want approved", cur.State)
	}
	if st := s.Stats(); st.State != StreamIdle {
		t.Errorf("after the trial the stream is %q, want idle", st.State)
	}
}

// TestStudioCountdownCancel: cancelling during 3-2-1 sends nothing out.
func TestStudioCountdownCancel(t *testing.T) {
	s := startStudio(t)
	ctx := context.Background()
	if _, err := s.CreateShow(ctx, "cancel test", time.Now().Add(time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "approval", func(e ShowStateChanged) bool { return e.Show.State == platform.StateApproved })
	if err := s.GoLive(ctx); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "countdown", func(e ShowStateChanged) bool { return e.CountdownLeft == 3 })
	s.CancelCountdown()
	waitEvent(t, s, "countdown end", func(e ShowStateChanged) bool { return e.CountdownLeft == 0 })
	if cur, _ := s.CurrentShow(); cur.State != platform.StateApproved {
		t.Errorf("after a cancelled countdown the show is %s, want approved", cur.State)
	}
	if s.ViewerURL() != "" && s.Stats().State != StreamIdle {
		t.Error("a cancelled countdown still went on air")
	}
}

// TestExplainNowOnAirAndOnViewerPage: the assistant's "explain now" puts the
// product card into the program picture and the buy card on the viewer page.
func TestExplainNowOnAirAndOnViewerPage(t *testing.T) {
	s := startStudio(t)
	ctx := context.Background()
	// The product picture is a file on this computer: the buy card must get
	// it from the platform.
	picture := filepath.Join(t.TempDir(), "scarf.png")
	pic := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range pic.Pix {
		pic.Pix[i] = 200
	}
	pf, err := os.Create(picture)
	if err != nil {
		t.Fatal(err)
	}
	png.Encode(pf, pic)
	pf.Close()
	p, err := s.Store().UpsertProduct(store.Product{Product: platform.Product{
		LinkNo: 1, Title: "加厚羊绒围巾", PriceCents: 9900, OriginalPriceCents: 19900, Currency: "CNY", Coupon: "满99减20", Stock: 50,
		ImageURL: picture}})
	if err != nil {
		t.Fatal(err)
	}
	sh, err := s.CreateShow(ctx, "围巾专场", time.Now().Add(time.Hour), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "approval", func(e ShowStateChanged) bool { return e.Show.State == platform.StateApproved })
	if err := s.GoLive(ctx); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "live", func(e ShowStateChanged) bool { return e.Show.State == platform.StateLive })

	// A still picture, so that only the card can change the program.
	still := filepath.Join(t.TempDir(), "still.png")
	gray := image.NewGray(image.Rect(0, 0, 640, 360))
	for i := range gray.Pix {
		gray.Pix[i] = 90
	}
	f, err := os.Create(still)
	if err != nil {
		t.Fatal(err)
	}
	png.Encode(f, gray)
	f.Close()
	if err := s.SetVideoSource(SourceImage, still); err != nil {
		t.Fatal(err)
	}
	// Wait until the still (luma ≈ 93 in video range) has replaced the pattern.
	var before *scene.Frame
	for deadline := time.Now().Add(5 * time.Second); ; {
		before = s.currentEngine().Scene().RenderOnce()
		if y := int(before.Image.Y[180*before.Image.YStride+320]); y > 88 && y < 98 {
			break
		}
		before.Release()
		if time.Now().After(deadline) {
			t.Fatal("the still picture never reached the program")
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer before.Release()
	if err := s.Products().ExplainNow(p.ID); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "product on air", func(e ProductOnAir) bool { return e.ProductID == p.ID })

	// The card slides in; once it has landed, the program differs in its
	// corner (bottom right by default) and not in the opposite corner.
	var changedCard, changedFar int
	deadline := time.Now().Add(10 * time.Second)
	for changedCard < 2000 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		after := s.currentEngine().Scene().RenderOnce()
		changedCard = countDiff(before.Image, after.Image, 640*2/3, 360/2, 640, 360)
		changedFar = countDiff(before.Image, after.Image, 0, 360*2/3, 640/4, 360)
		after.Release()
	}
	if changedCard < 2000 {
		t.Errorf("the program's bottom-right corner changed in %d pixels after explain-now, want the card there", changedCard)
	}
	if changedFar > 0 {
		t.Errorf("explain-now changed %d pixels far from the card", changedFar)
	}

	// The show's event stream (what every viewer page listens to) carries the pin.
	studio := platform.NewClient(platform.ClientConfig{BaseURL: s.PlatformURL(), Token: s.embedded.StudioToken()})
	evCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	pinned := false
	for ev := range studio.Events(evCtx, sh.ID, 0) {
		if ev.Type == platform.EventProductPinned && ev.Product != nil && ev.Product.Title == "加厚羊绒围巾" {
			pinned = true
			break
		}
	}
	if !pinned {
		t.Fatal("no product_pinned event for the explained product on the show's event stream")
	}

	// A viewer opening the page now learns the pinned product from /public.
	v := newViewer(t, s.PlatformURL())
	deadline = time.Now().Add(10 * time.Second)
	for {
		var pub platform.Public
		resp, err := v.http.Get(s.PlatformURL() + "/api/shows/" + sh.ID + "/public")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&pub)
			resp.Body.Close()
		}
		if pub.Pinned != nil && pub.Pinned.Title == "加厚羊绒围巾" && pub.Pinned.PriceCents == 9900 {
			// The picture is served by the platform, byte for byte.
			want, _ := os.ReadFile(picture)
			resp, err := v.http.Get(s.PlatformURL() + pub.Pinned.ImageURL)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.HasPrefix(pub.Pinned.ImageURL, "/images/") || !bytes.Equal(got, want) {
				t.Errorf("the buy card's picture %q serves %d bytes (%s), want the product's %d-byte PNG", pub.Pinned.ImageURL, len(got), resp.Status, len(want))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the viewer page never got the pinned product (last: %+v)", pub.Pinned)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// countDiff counts luma samples that differ noticeably inside x0,y0–x1,y1.
func countDiff(a, b *image.YCbCr, x0, y0, x1, y1 int) int {
	n := 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			d := int(a.Y[y*a.YStride+x]) - int(b.Y[y*b.YStride+x])
			if d > 24 || d < -24 {
				n++
			}
		}
	}
	return n
}

// A new canvas size applies at once when nothing is on air, and is refused
// with a reason while the show is on air.
func TestApplySettingsCanvas(t *testing.T) {
	s := startStudio(t)
	ctx := context.Background()
	st := s.Settings()
	st.Width, st.Height = 320, 180
	if err := s.ApplySettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	if cfg := s.currentEngine().Config(); cfg.Width != 320 || cfg.Height != 180 {
		t.Fatalf("canvas is %dx%d after choosing 320x180", cfg.Width, cfg.Height)
	}
	f := s.currentEngine().Scene().RenderOnce()
	if b := f.Image.Rect; b.Dx() != 320 || b.Dy() != 180 {
		t.Errorf("the program is %v after choosing 320x180", b)
	}
	f.Release()

	if _, err := s.CreateShow(ctx, "settings test", time.Now().Add(time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "approval", func(e ShowStateChanged) bool { return e.Show.State == platform.StateApproved })
	if err := s.StartTrial(ctx); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, s, "trial", func(e ShowStateChanged) bool { return e.Show.State == platform.StateTrial })
	st.Width, st.Height = 640, 360
	if err := s.ApplySettings(ctx, st); !errors.Is(err, ErrSettingsOnAir) {
		t.Errorf("changing the canvas on air: %v, want %v", err, ErrSettingsOnAir)
	}
}

// The host closes the studio mid-show (the show stays live on the platform),
// reopens it, picks the show and presses Go live: the picture resumes.
func TestReopenedStudioResumesLiveShow(t *testing.T) {
	dir := t.TempDir()
	open := func() *Studio {
		s, err := NewStudio(StudioConfig{DataDir: dir, PlatformAddr: "127.0.0.1:0", AuditDelay: 50 * time.Millisecond,
			NoDevices: true, Settings: Settings{Width: 320, Height: 180, FPS: 30, MaxKbps: 500}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		return s
	}
	ctx := context.Background()
	first := open()
	sh, err := first.CreateShow(ctx, "续播", time.Now().Add(time.Hour), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	waitEvent(t, first, "approval", func(e ShowStateChanged) bool { return e.Show.State == platform.StateApproved })
	if err := first.GoLive(ctx); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, first, "live stats", func(st Stats) bool { return st.State == StreamLive })
	first.Close()

	second := open()
	t.Cleanup(func() { second.Close() })
	if err := second.SelectShow(ctx, sh.ID); err != nil {
		t.Fatal(err)
	}
	if cur, _ := second.CurrentShow(); cur.State != platform.StateLive || second.OnAir() {
		t.Fatalf("after reopening: show %s, on air %v; want live on the platform with no picture yet", cur.State, second.OnAir())
	}
	if err := second.GoLive(ctx); err != nil {
		t.Fatalf("resuming the live show: %v", err)
	}
	waitEvent(t, second, "live stats after resuming", func(st Stats) bool { return st.State == StreamLive && st.FramesSent > 0 })
	if err := second.GoLive(ctx); !errors.Is(err, ErrAlreadyPublishing) {
		t.Errorf("a second Go live while the picture goes out: %v, want %v", err, ErrAlreadyPublishing)
	}
}

// A show plan books the chosen products; the product desk loads just those.
func TestPlanShowWithChosenProducts(t *testing.T) {
	s := startStudio(t)
	var ids []string
	for i, title := range []string{"围巾", "帽子", "手套"} {
		p, err := s.Store().UpsertProduct(store.Product{Product: platform.Product{LinkNo: i + 1, Title: title, PriceCents: 1000, Currency: "CNY"}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	sh, err := s.PlanShow(context.Background(), ShowPlan{Title: "手套专场", Starts: time.Now().Add(time.Hour), Duration: time.Hour, ProductIDs: []string{ids[2], ids[0]}})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Products().Products()
	if len(got) != 2 || got[0].ID != ids[2] || got[1].ID != ids[0] {
		t.Errorf("the desk lists %v, want 手套 then 围巾", got)
	}
	if len(sh.ProductIDs) != 2 {
		t.Errorf("the platform's plan lists %v, want the two chosen products", sh.ProductIDs)
	}
	rep, err := s.ImportProducts(strings.NewReader("link_no,title,price\n2,帽子(新款),59\n4,,1\n"), "")
	if err != nil || rep.Imported() != 1 || len(rep.Skipped) != 1 || rep.Skipped[0].Row != 3 {
		t.Errorf("import: %+v, %v; want one product updated and row 3 reported", rep, err)
	}
}
