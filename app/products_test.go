package app

import (
	"context"
	"encoding/json"
	"errors"
	"image"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"showcaster/app/store"
	"showcaster/internal/clock"
	"showcaster/platform"
	"showcaster/platform/server"
	"showcaster/scene"
	"showcaster/scene/overlay"
)

const deskFont = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

func deskRenderer(t *testing.T) *overlay.Renderer {
	t.Helper()
	if _, err := os.Stat(deskFont); err != nil {
		t.Skip("install fonts-wqy-microhei (make deps)")
	}
	fs, err := overlay.NewFonts(overlay.FontConfig{Paths: []string{deskFont}, NoSystem: true})
	if err != nil {
		t.Fatal(err)
	}
	return overlay.NewRenderer(fs)
}

// deskStore holds four products, three of them in show s1 in the order C, A, B.
func deskStore(t *testing.T) (*store.Store, map[string]string) {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ids := map[string]string{}
	for i, title := range []string{"A 真丝睡衣", "B 保温杯", "C 羊毛围巾", "D 不在节目里"} {
		p, err := st.UpsertProduct(store.Product{Product: platform.Product{LinkNo: i + 1, Title: title,
			PriceCents: int64(1000 * (i + 1)), OriginalPriceCents: int64(2000 * (i + 1)), Coupon: "满99减10"},
			Script: "讲解 " + title})
		if err != nil {
			t.Fatal(err)
		}
		ids[title[:1]] = p.ID
	}
	if err := st.SetShowProducts("s1", []string{ids["C"], ids["A"], ids["B"]}); err != nil {
		t.Fatal(err)
	}
	return st, ids
}

// events collects what the desk emits.
type events struct {
	mu  sync.Mutex
	evs []Event
}

func (e *events) emit(ev Event) { e.mu.Lock(); e.evs = append(e.evs, ev); e.mu.Unlock() }

func (e *events) onAir() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.evs {
		if o, ok := ev.(ProductOnAir); ok {
			out = append(out, o.ProductID)
		}
	}
	return out
}

func (e *events) notices() []Notice {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Notice
	for _, ev := range e.evs {
		if n, ok := ev.(Notice); ok {
			out = append(out, n)
		}
	}
	return out
}

func newScene(t *testing.T, clk clock.Clock) *scene.Scene {
	t.Helper()
	sc, err := scene.New(scene.Config{Width: 1280, Height: 720, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sc.Close)
	return sc
}

// lumaChanged counts pixels of r whose luma differs between two frames.
func lumaChanged(a, b *image.YCbCr, r image.Rectangle) int {
	n := 0
	r = r.Intersect(a.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.Y[a.YOffset(x, y)] != b.Y[b.YOffset(x, y)] {
				n++
			}
		}
	}
	return n
}

func render(sc *scene.Scene) *image.YCbCr {
	f := sc.RenderOnce()
	defer f.Release()
	img := *f.Image
	img.Y = slices.Clone(f.Image.Y)
	img.Cb = slices.Clone(f.Image.Cb)
	img.Cr = slices.Clone(f.Image.Cr)
	return &img
}

func TestExplainNowPutsCardInProgram(t *testing.T) {
	st, ids := deskStore(t)
	sc := newScene(t, nil)
	var ev events
	d, err := NewProductDesk(ProductDeskConfig{Store: st, Program: sc, Renderer: deskRenderer(t), Slide: -1, Emit: ev.emit})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Load("s1"); err != nil {
		t.Fatal(err)
	}
	before := render(sc)
	if err := d.ExplainNow(ids["A"]); err != nil {
		t.Fatal(err)
	}
	after := render(sc)

	card, _ := d.CardImage(ids["A"])
	at := overlay.CardPosition(overlay.BottomRight, card.Rect.Size(), image.Pt(1280, 720))
	rect := image.Rectangle{Min: at, Max: at.Add(card.Rect.Size())}
	if n := lumaChanged(before, after, rect); n < rect.Dx()*rect.Dy()/2 {
		t.Fatalf("only %d of %d pixels in the card rect %v changed", n, rect.Dx()*rect.Dy(), rect)
	}
	outside := image.Rect(0, 0, 1280, at.Y-1)
	if n := lumaChanged(before, after, outside); n != 0 {
		t.Fatalf("%d pixels changed outside the card", n)
	}
	if d.OnAir() != ids["A"] || !slices.Equal(ev.onAir(), []string{ids["A"]}) {
		t.Fatalf("on air %q, events %v", d.OnAir(), ev.onAir())
	}

	// Sold out re-renders the card on air.
	if err := d.SoldOut(ids["A"], true); err != nil {
		t.Fatal(err)
	}
	stamped := render(sc)
	if n := lumaChanged(after, stamped, rect); n < 1000 {
		t.Fatalf("sold out changed %d pixels of the card", n)
	}
	if p, _ := d.Product(ids["A"]); !p.SoldOut {
		t.Fatal("desk list not updated")
	}
	if p, _ := st.ShowProduct("s1", ids["A"]); !p.SoldOut {
		t.Fatal("the show's list in the store not updated")
	}

	// A price change goes on air too.
	if err := d.UpdatePrice(ids["A"], 990, 0); err != nil {
		t.Fatal(err)
	}
	if n := lumaChanged(stamped, render(sc), rect); n < 100 {
		t.Fatalf("price change changed %d pixels", n)
	}

	// The bulletin goes on top, clear of the card; "" takes it down.
	if err := d.SetBulletin("拍1号链接 立减20元"); err != nil {
		t.Fatal(err)
	}
	top := image.Rect(0, 0, 1280, 120)
	withBulletin := render(sc)
	if n := lumaChanged(after, withBulletin, top); n < 5000 {
		t.Fatalf("bulletin changed %d pixels at the top", n)
	}
	d.SetBulletin("")
	if n := lumaChanged(after, render(sc), top); n != 0 {
		t.Fatalf("bulletin still on air: %d pixels", n)
	}

	d.TakeDown()
	if n := lumaChanged(before, render(sc), image.Rect(0, 0, 1280, 720)); n != 0 {
		t.Fatalf("after take down %d pixels differ from the empty program", n)
	}
	if d.OnAir() != "" {
		t.Fatalf("on air after take down: %q", d.OnAir())
	}
}

func TestNextPreviousOrder(t *testing.T) {
	st, ids := deskStore(t)
	var ev events
	d, _ := NewProductDesk(ProductDeskConfig{Store: st, Renderer: deskRenderer(t), Emit: ev.emit})
	defer d.Close()
	d.Load("s1")
	steps := []struct {
		do   func() error
		want string
	}{
		{d.Next, "C"}, {d.Next, "A"}, {d.Next, "B"}, {d.Previous, "A"}, {d.Previous, "C"},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if d.OnAir() != ids[s.want] {
			t.Fatalf("step %d: on air %q; want %s", i, d.OnAir(), s.want)
		}
	}
	if err := d.Previous(); !errors.Is(err, ErrProductEnd) || d.OnAir() != ids["C"] {
		t.Fatalf("previous at the top: %v, on air %q", err, d.OnAir())
	}
	// Reorder: B first. Next from C (now second) goes to A.
	if err := d.Move(ids["B"], 0); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, p := range d.Products() {
		titles = append(titles, p.Title[:1])
	}
	if !slices.Equal(titles, []string{"B", "C", "A"}) {
		t.Fatalf("after move: %v", titles)
	}
	d.Next()
	if d.OnAir() != ids["A"] {
		t.Fatalf("next after move: %q", d.OnAir())
	}
	if err := d.Next(); !errors.Is(err, ErrProductEnd) {
		t.Fatalf("next at the end: %v", err)
	}
	if err := d.ExplainNow(ids["D"]); !errors.Is(err, ErrProductUnknown) {
		t.Fatalf("product outside the show: %v", err)
	}
	d.TakeDown()
	if err := d.Previous(); err != nil || d.OnAir() != ids["A"] {
		t.Fatalf("previous with nothing on air: %v %q", err, d.OnAir())
	}
	want := []string{ids["C"], ids["A"], ids["B"], ids["A"], ids["C"], ids["A"], "", ids["A"]}
	if got := ev.onAir(); !slices.Equal(got, want) {
		t.Fatalf("ProductOnAir events %v; want %v", got, want)
	}
}

// recorder is an OverlayTarget that remembers positions.
type recorder struct {
	mu    sync.Mutex
	at    map[string]image.Point
	moves []image.Point
	sets  int
}

func (r *recorder) SetOverlay(o scene.Overlay) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at[o.ID] = o.At
	r.sets++
	return nil
}

func (r *recorder) MoveOverlay(id string, at image.Point) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.at[id]; !ok {
		return scene.ErrNoOverlay
	}
	r.at[id] = at
	r.moves = append(r.moves, at)
	return nil
}

func (r *recorder) RemoveOverlay(id string) {
	r.mu.Lock()
	delete(r.at, id)
	r.mu.Unlock()
}

func (r *recorder) get(id string) (image.Point, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.at[id]
	return p, ok
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCardSlidesInAndOut(t *testing.T) {
	st, ids := deskStore(t)
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	rec := &recorder{at: map[string]image.Point{}}
	d, _ := NewProductDesk(ProductDeskConfig{Store: st, Program: rec, Renderer: deskRenderer(t), Clock: clk,
		Slide: 400 * time.Millisecond, Corner: overlay.TopLeft})
	defer d.Close()
	d.Load("s1")
	d.ExplainNow(ids["C"])
	card, _ := d.CardImage(ids["C"])
	canvas := image.Pt(1280, 720)
	rest := overlay.CardPosition(overlay.TopLeft, card.Rect.Size(), canvas)
	if p, _ := rec.get(OverlayProductCard); p != overlay.Offscreen(overlay.TopLeft, card.Rect.Size(), canvas) || p.X >= 0 {
		t.Fatalf("card starts at %v; want off the left edge", p)
	}
	// Step through the slide frame by frame: it moves right, slowing down.
	prev := -1 << 30
	for i := 0; i < 12; i++ {
		waitFor(t, "the slide's ticker", func() bool { return clk.Waiters() > 0 })
		n := len(rec.moves)
		clk.Advance(time.Second / 30)
		waitFor(t, "a move", func() bool {
			rec.mu.Lock()
			moved := len(rec.moves) > n
			rec.mu.Unlock()
			return moved || !d.animating()
		})
		p, _ := rec.get(OverlayProductCard)
		if p.X < prev {
			t.Fatalf("frame %d went back: %v", i, p)
		}
		prev = p.X
	}
	// 12 ticks of 1/30 s fall a few nanoseconds short of 400 ms: one more lands it.
	clk.Advance(time.Second / 30)
	waitFor(t, "the slide to end", func() bool { return !d.animating() })
	if p, _ := rec.get(OverlayProductCard); p != rest {
		t.Fatalf("card rests at %v; want %v", p, rest)
	}
	// Moving to another corner places it there.
	d.SetCorner(overlay.BottomRight)
	if p, _ := rec.get(OverlayProductCard); p != overlay.CardPosition(overlay.BottomRight, card.Rect.Size(), canvas) {
		t.Fatalf("after SetCorner at %v", p)
	}
	// Take down slides it out past the right edge, then removes it.
	d.TakeDown()
	waitFor(t, "the slide-out ticker", func() bool { return clk.Waiters() > 0 })
	clk.Advance(time.Second)
	waitFor(t, "the card to go", func() bool { _, ok := rec.get(OverlayProductCard); return !ok })
}

// failingPinner fails every call.
type failingPinner struct{ calls int }

func (f *failingPinner) Pin(context.Context, string, Product) error {
	f.calls++
	return errors.New("connection refused")
}
func (f *failingPinner) Unpin(context.Context, string) error { return errors.New("connection refused") }
func (f *failingPinner) Bulletin(context.Context, string, string) error {
	return errors.New("connection refused")
}

func TestPlatformErrorKeepsOnAirState(t *testing.T) {
	st, ids := deskStore(t)
	var ev events
	fp := &failingPinner{}
	d, _ := NewProductDesk(ProductDeskConfig{Store: st, Platform: fp, Renderer: deskRenderer(t), Emit: ev.emit})
	defer d.Close()
	d.Load("s1")
	if err := d.ExplainNow(ids["B"]); err != nil {
		t.Fatalf("explain with the platform down: %v", err)
	}
	d.Sync()
	if d.OnAir() != ids["B"] {
		t.Fatalf("on air %q after a failed pin", d.OnAir())
	}
	ns := ev.notices()
	if len(ns) != 1 || !errors.Is(ns[0].Err, ErrProductPin) || ns[0].Msg == nil || !errors.Is(ns[0].Msg, ErrProductPin) {
		t.Fatalf("notices %+v; want the failure and a sentence the window translates", ns)
	}
	t.Log(ns[0].Msg)
}

func TestPinsReachRealPlatform(t *testing.T) {
	st, ids := deskStore(t)
	srv, err := server.New(server.Config{DataDir: t.TempDir(), StudioToken: "studio-token", AuditDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	client := platform.NewClient(platform.ClientConfig{BaseURL: srv.URL(), Token: srv.StudioToken()})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	show, err := client.CreateShow(ctx, platform.NewShow{Title: "晚八点上新", StartsAt: time.Now().Add(time.Hour), DurationMin: 120,
		ProductIDs: []string{ids["C"], ids["A"], ids["B"]}})
	if err != nil {
		t.Fatal(err)
	}
	// Pins reach the audience while the show is on: wait for the audit, go live.
	deadline := time.Now().Add(5 * time.Second)
	for {
		sh, err := client.Show(ctx, show.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sh.State == platform.StateApproved {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("show still %s", sh.State)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := client.GoLive(ctx, show.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.SetShowProducts(show.ID, []string{ids["C"], ids["A"], ids["B"]}); err != nil {
		t.Fatal(err)
	}
	var ev events
	d, _ := NewProductDesk(ProductDeskConfig{Store: st, Platform: client, Renderer: deskRenderer(t), Emit: ev.emit})
	defer d.Close()
	d.Load(show.ID)

	public := func() platform.Public {
		t.Helper()
		resp, err := http.Get(srv.URL() + "/api/shows/" + show.ID + "/public")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p platform.Public
		if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
		return p
	}

	d.ExplainNow(ids["A"])
	d.SetBulletin("拍2号链接 立减20元")
	d.Sync()
	if n := ev.notices(); len(n) != 0 {
		t.Fatalf("notices: %+v", n)
	}
	p := public()
	if p.Pinned == nil || p.Pinned.ID != ids["A"] || p.Bulletin != "拍2号链接 立减20元" {
		t.Fatalf("public view: pinned %+v, bulletin %q", p.Pinned, p.Bulletin)
	}
	d.UpdatePrice(ids["A"], 880, 2000)
	d.Sync()
	if p := public(); p.Pinned == nil || p.Pinned.PriceCents != 880 {
		t.Fatalf("price change not pinned: %+v", p.Pinned)
	}
	d.TakeDown()
	d.Sync()
	if p := public(); p.Pinned != nil {
		t.Fatalf("still pinned after take down: %+v", p.Pinned)
	}

	// The viewers' cart follows the list and every edit.
	cartPrice := func(id string) int64 {
		for _, c := range public().Products {
			if c.ID == id {
				return c.PriceCents
			}
		}
		return -1
	}
	if p := public(); len(p.Products) != 3 {
		t.Fatalf("cart %+v, want the show's 3 products", p.Products)
	}
	if got := cartPrice(ids["A"]); got != 880 {
		t.Fatalf("cart price of A %d, want the edited 880", got)
	}
	d.UpdatePrice(ids["B"], 4200, 0)
	d.Sync()
	if got := cartPrice(ids["B"]); got != 4200 {
		t.Fatalf("cart price of B %d after an edit off air, want 4200", got)
	}
	if err := d.SetShowProducts([]string{ids["B"]}); err != nil {
		t.Fatal(err)
	}
	d.Sync()
	if p := public(); len(p.Products) != 1 || p.Products[0].ID != ids["B"] {
		t.Fatalf("cart after the list changed: %+v", p.Products)
	}
}

// The assistant changes the show's list: the product on air that leaves it
// is taken down, the new list is what Next walks.
func TestSetShowProducts(t *testing.T) {
	st, ids := deskStore(t)
	d, err := NewProductDesk(ProductDeskConfig{Store: st, Renderer: deskRenderer(t), Slide: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Load("s1"); err != nil {
		t.Fatal(err)
	}
	if err := d.ExplainNow(ids["C"]); err != nil {
		t.Fatal(err)
	}
	if err := d.SetShowProducts([]string{ids["D"], ids["A"]}); err != nil {
		t.Fatal(err)
	}
	if d.OnAir() != "" {
		t.Errorf("%s stayed on air after leaving the show's list", d.OnAir())
	}
	got := d.Products()
	if len(got) != 2 || got[0].ID != ids["D"] || got[1].ID != ids["A"] {
		t.Errorf("the show lists %v, want D then A", got)
	}
	if err := d.Next(); err != nil || d.OnAir() != ids["D"] {
		t.Errorf("Next after the change put %q on air (%v), want D", d.OnAir(), err)
	}
}

// A price edit and a sold-out flag during a show are that show's: the next
// show sells at the catalogue's price, unless the host saves the price to
// the catalogue as well.
func TestShowEditsLeaveTheCatalogue(t *testing.T) {
	st, ids := deskStore(t)
	if err := st.SetShowProducts("s2", []string{ids["A"], ids["B"]}); err != nil {
		t.Fatal(err)
	}
	d, err := NewProductDesk(ProductDeskConfig{Store: st, Renderer: deskRenderer(t), Slide: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Load("s1"); err != nil {
		t.Fatal(err)
	}
	a, b := ids["A"], ids["B"]
	if err := d.UpdatePrice(a, 690, 1000); err != nil {
		t.Fatal(err)
	}
	if err := d.SoldOut(b, true); err != nil {
		t.Fatal(err)
	}
	if err := d.UpdateCoupon(a, "直播间专享"); err != nil {
		t.Fatal(err)
	}
	if err := d.UpdateStock(a, 7); err != nil { // stock is the warehouse's: the catalogue's
		t.Fatal(err)
	}
	if p, _ := d.Product(a); p.PriceCents != 690 || p.Coupon != "直播间专享" || p.Stock != 7 || !p.ShowOwn {
		t.Errorf("this show sells A as %+v", p)
	}

	// The next show.
	if err := d.Load("s2"); err != nil {
		t.Fatal(err)
	}
	pa, _ := d.Product(a)
	pb, _ := d.Product(b)
	if pa.PriceCents != 1000 || pa.OriginalPriceCents != 2000 || pa.Coupon != "满99减10" || pb.SoldOut {
		t.Errorf("the next show sells A at %d (was %d, coupon %q), B sold out %v; want the catalogue's 1000 (2000, 满99减10), on sale",
			pa.PriceCents, pa.OriginalPriceCents, pa.Coupon, pb.SoldOut)
	}
	if pa.Stock != 7 {
		t.Errorf("the next show has %d of A, want the catalogue's stock 7", pa.Stock)
	}

	// Back in the first show, the host saves A's price to the catalogue too.
	if err := d.Load("s1"); err != nil {
		t.Fatal(err)
	}
	if err := d.SaveToCatalogue(a); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Product(a); p.PriceCents != 690 || p.Coupon != "直播间专享" {
		t.Errorf("the catalogue after saving: %d %q", p.PriceCents, p.Coupon)
	}
	if p, _ := st.Product(b); p.SoldOut {
		t.Error("saving A to the catalogue marked B sold out there")
	}
}
