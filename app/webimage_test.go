package app

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"showcaster/app/store"
	"showcaster/platform"
)

// A product picture given as a web address (as shop exports have them) is
// fetched in the background and drawn on the card; a card already on air is
// drawn again when it arrives.
func TestWebProductPictureReachesTheCard(t *testing.T) {
	red := image.NewRGBA(image.Rect(0, 0, 120, 120))
	for i := 0; i < len(red.Pix); i += 4 {
		red.Pix[i], red.Pix[i+3] = 230, 255
	}
	var body bytes.Buffer
	png.Encode(&body, red)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // the picture arrives after the card went on air
		w.Header().Set("Content-Type", "image/png")
		w.Write(body.Bytes())
	}))
	defer srv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.UpsertProduct(store.Product{Product: platform.Product{LinkNo: 1, Title: "红色围巾", PriceCents: 9900, Currency: "CNY",
		ImageURL: srv.URL + "/scarf.png"}})
	if err != nil {
		t.Fatal(err)
	}
	sc := newScene(t, nil)
	var ev events
	d, err := NewProductDesk(ProductDeskConfig{Store: st, Program: sc, Renderer: deskRenderer(t), Slide: -1, Emit: ev.emit})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Load(""); err != nil {
		t.Fatal(err)
	}
	if err := d.ExplainNow(p.ID); err != nil {
		t.Fatal(err)
	}
	reds := func() int {
		img := render(sc)
		n := 0
		for y := 0; y < img.Rect.Dy(); y += 2 {
			for x := 0; x < img.Rect.Dx(); x += 2 {
				yy, cb, cr := img.Y[img.YOffset(x, y)], img.Cb[img.COffset(x, y)], img.Cr[img.COffset(x, y)]
				r, g, b := color.YCbCrToRGB(yy, cb, cr)
				if r > 180 && g < 60 && b < 60 {
					n++
				}
			}
		}
		return n
	}
	before := reds()
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for reds() < before+500 {
		if time.Now().After(deadline) {
			t.Fatalf("the card on air never showed the web picture (%d red samples, %d before)", reds(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A picture that cannot be fetched leaves the placeholder and a notice the
// window can say in its language, naming the picture and what to check.
func TestWebProductPictureFailureIsASentence(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	}))
	defer srv.Close()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ref := srv.URL + "/missing.png"
	if _, err := st.UpsertProduct(store.Product{Product: platform.Product{LinkNo: 1, Title: "围巾", PriceCents: 9900, Currency: "CNY", ImageURL: ref}}); err != nil {
		t.Fatal(err)
	}
	var ev events
	d, err := NewProductDesk(ProductDeskConfig{Store: st, Program: newScene(t, nil), Renderer: deskRenderer(t), Slide: -1, Emit: ev.emit})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Load(""); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(ev.notices()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	ns := ev.notices()
	if len(ns) == 0 {
		t.Fatal("no notice about the picture that could not be fetched")
	}
	n := ns[0]
	if n.Msg == nil || n.Err == nil {
		t.Fatalf("the notice is %+v: want a sentence for the window and the failure for the log", n)
	}
	if len(n.Msg.Args) != 1 || n.Msg.Args[0] != ref {
		t.Fatalf("the sentence names %v, want the picture %s", n.Msg.Args, ref)
	}
}
