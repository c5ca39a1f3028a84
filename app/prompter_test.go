package app

import (
	"image"
	"strings"
	"testing"
)

// The cue card stays off the program until the operator chooses it; then it
// follows the product on air and goes when the product is taken down.
func TestPrompterGoesOnAirOnlyWhenChosen(t *testing.T) {
	st, ids := deskStore(t)
	sc := newScene(t, nil)
	d, err := NewProductDesk(ProductDeskConfig{Store: st, Program: sc, Renderer: deskRenderer(t), Slide: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Load("s1"); err != nil {
		t.Fatal(err)
	}
	if err := d.ExplainNow(ids["A"]); err != nil {
		t.Fatal(err)
	}
	if cue := d.CueText(); !strings.Contains(cue, "1号链接 A 真丝睡衣") || !strings.Contains(cue, "讲解 A 真丝睡衣") {
		t.Errorf("cue text %q: want the link, the title and the script", cue)
	}
	// The card sits bottom right, so the cue card goes top left.
	area := image.Rect(0, 720/6, 1280/2, 720/6+720/3)
	withoutCue := render(sc)
	if err := d.SetPrompterOnAir(true); err != nil {
		t.Fatal(err)
	}
	withCue := render(sc)
	if n := lumaChanged(withoutCue, withCue, area); n < 5000 {
		t.Fatalf("putting the prompter on air changed %d pixels at the top left, want the cue card there", n)
	}
	if err := d.ExplainNow(ids["B"]); err != nil {
		t.Fatal(err)
	}
	if n := lumaChanged(withCue, render(sc), area); n == 0 {
		t.Error("the cue card on air did not follow the next product")
	}
	d.TakeDown()
	if err := d.SetPrompterOnAir(false); err != nil {
		t.Fatal(err)
	}
	if n := lumaChanged(withoutCue, render(sc), area); n != 0 {
		t.Errorf("%d pixels of the cue card stayed on air after it was taken off", n)
	}
}
