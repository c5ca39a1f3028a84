package ui

import (
	"image"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"showcaster/app"
	"showcaster/app/store"
)

func TestPrompterFollowsScrollsPausesMirrors(t *testing.T) {
	a := test.NewTempApp(t)
	desk, _, order := deskFixture(t)
	p := newPrompterWindow(a, desk)
	defer p.win.Close()
	p.win.Resize(fyne.NewSize(800, 600))

	// With nothing on air: notes and every card.
	if !strings.Contains(p.view.text, "开场：欢迎新朋友") || strings.Count(p.view.text, "# Link ") != 3 {
		t.Fatalf("overview text %q", p.view.text)
	}
	if err := desk.ExplainNow(order[1]); err != nil {
		t.Fatal(err)
	}
	p.apply(app.ProductOnAir{ProductID: order[1]})
	if !strings.HasPrefix(p.view.text, "# Link 1 · 真丝睡衣\n家人们看过来") || !strings.Contains(p.title.Text, "真丝睡衣") {
		t.Fatalf("on-air text %q, title %q", p.view.text, p.title.Text)
	}

	// A long script so there is room to scroll.
	desk.SetScript(order[1], strings.Repeat("这一段话术很长，主播慢慢读。\n", 40))
	p.apply(app.ProductsChanged{})
	plain := p.view.draw(800, 600).(*image.RGBA)

	p.speed.SetValue(100)
	p.step(50 * time.Millisecond)
	p.step(50 * time.Millisecond)
	if p.view.offset < 9.9 || p.view.offset > 10.1 {
		t.Fatalf("offset %.2f after 0.1 s at 100/s; want 10", p.view.offset)
	}
	test.Tap(p.pause)
	p.step(time.Second)
	if p.view.offset > 10.1 {
		t.Fatalf("paused prompter moved to %.2f", p.view.offset)
	}
	test.Tap(p.pause)
	p.step(50 * time.Millisecond)
	if p.view.offset < 14.9 {
		t.Fatalf("resumed prompter at %.2f", p.view.offset)
	}

	// Mirror: the same picture, flipped left to right.
	p.view.scrollTo(0)
	test.Tap(p.mirror)
	mirrored := p.view.draw(800, 600).(*image.RGBA)
	same, flipped := 0, 0
	for y := 0; y < 600; y += 7 {
		for x := 0; x < 800; x += 3 {
			if plain.RGBAAt(x, y) == mirrored.RGBAAt(x, y) {
				same++
			}
			if plain.RGBAAt(x, y) == mirrored.RGBAAt(799-x, y) {
				flipped++
			}
		}
	}
	if flipped <= same || flipped < 86*267*99/100 {
		t.Fatalf("mirror: %d pixels match flipped, %d match unflipped", flipped, same)
	}

	// Font size changes the layout.
	p.size.SetValue(96)
	big := p.view.draw(800, 600).(*image.RGBA)
	if big.Rect != mirrored.Rect || p.view.page.Rect.Dy() <= plain.Rect.Dy() {
		t.Fatalf("bigger text page %v", p.view.page.Rect)
	}

	// Take down: back to the overview.
	desk.TakeDown()
	p.apply(app.ProductOnAir{})
	if strings.Count(p.view.text, "# Link ") != 3 {
		t.Fatalf("after take down: %q", p.view.text)
	}
}

// A prompter left scrolling holds at the end of the script: the last
// screenful stays full of words with an end mark under the last line, the
// window says how to start again, and From the top does.
func TestPrompterHoldsAtTheEndOfTheScript(t *testing.T) {
	a := test.NewTempApp(t)
	desk, _, _ := deskFixture(t)
	p := newPrompterWindow(a, desk)
	defer p.win.Close()
	p.win.Resize(fyne.NewSize(800, 600))
	const w, h = 800, 600
	p.view.draw(w, h)
	if p.end.Visible() {
		t.Fatal("the end notice shows before the scroll started")
	}

	// Ten minutes at the default speed: far past the end of three cards.
	for i := 0; i < 6000; i++ {
		p.step(100 * time.Millisecond)
	}
	img := p.view.draw(w, h).(*image.RGBA)
	if p.view.offset <= 0 {
		t.Fatalf("the page did not scroll (offset %.1f); the script is taller than the view", p.view.offset)
	}
	// Words fill the screen from the top third down to the end mark.
	bright := func(y0, y1 int) int {
		n := 0
		for y := y0; y < y1; y++ {
			for x := 0; x < w; x++ {
				if c := img.RGBAAt(x, y); c.R > 100 {
					n++
				}
			}
		}
		return n
	}
	if top, bottom := bright(0, h/3), bright(2*h/3, h); top < 500 || bottom < 100 {
		t.Fatalf("after scrolling past the end the view shows %d lit pixels in its top third and %d in its bottom third; want words in both", top, bottom)
	}
	if !p.end.Visible() || !strings.Contains(p.end.Text, "From the top") {
		t.Errorf("held at the end, the window says %q (visible %t); want how to start again", p.end.Text, p.end.Visible())
	}
	held := p.view.offset
	p.step(time.Second)
	if p.view.offset != held {
		t.Errorf("the scroll moved on from its end: %.1f → %.1f", held, p.view.offset)
	}

	// A smaller size shortens the page: the view follows its end, never past it.
	p.size.SetValue(24)
	img = p.view.draw(w, h).(*image.RGBA)
	if bright(0, h) < 500 {
		t.Fatal("after the text got smaller the view is empty")
	}

	p.restart()
	if p.view.offset != 0 || p.end.Visible() {
		t.Errorf("From the top: offset %.1f, end notice visible %t", p.view.offset, p.end.Visible())
	}
	p.step(100 * time.Millisecond)
	if p.view.offset <= 0 {
		t.Error("after From the top the prompter does not scroll again")
	}
}

// The show's notes are edited beside the prompter: saved with the show,
// read on the page at once and there again after a restart.
func TestPrompterNotesAreEditedAndKept(t *testing.T) {
	a := test.NewTempApp(t)
	dir := t.TempDir()
	desk, st, _ := deskFixtureIn(t, dir)
	p := newPrompterWindow(a, desk)
	defer p.win.Close()

	if p.notes.box.Visible() {
		t.Error("the notes are open before the host asked")
	}
	p.notes.toggle()
	if !p.notes.box.Visible() || p.notes.entry.Text != "开场：欢迎新朋友" || p.notes.entry.Disabled() {
		t.Fatalf("notes editor: visible %t, text %q, disabled %t", p.notes.box.Visible(), p.notes.entry.Text, p.notes.entry.Disabled())
	}
	const notes = "开场：欢迎新朋友，关注领券\n结尾：预告下周三晚8点"
	p.notes.entry.SetText(notes)
	test.Tap(p.notes.save)
	if got, _ := st.ShowNotes("s1"); got != notes {
		t.Fatalf("stored notes %q; want %q", got, notes)
	}
	if !strings.Contains(p.view.text, "结尾：预告下周三晚8点") {
		t.Errorf("the page does not read the new notes: %q", p.view.text)
	}
	if p.notes.status.Text == "" {
		t.Error("saving says nothing")
	}

	// An edit elsewhere reaches the entry unless the host is typing there.
	p.notes.entry.SetText(notes + "\n还没存")
	desk.SetNotes("别处改的")
	p.apply(app.ProductsChanged{})
	if p.notes.entry.Text != notes+"\n还没存" {
		t.Errorf("a reload overwrote the host's unsaved notes: %q", p.notes.entry.Text)
	}

	// The studio again, on the same data.
	desk2, _, _ := deskFixtureIn(t, dir)
	p2 := newPrompterWindow(a, desk2)
	defer p2.win.Close()
	if p2.notes.entry.Text != "别处改的" || !strings.Contains(p2.view.text, "别处改的") {
		t.Errorf("after a restart the notes read %q and the page %q", p2.notes.entry.Text, p2.view.text)
	}

	// Without a show there is nowhere to keep notes: the editor says so.
	if err := desk2.Load(""); err != nil {
		t.Fatal(err)
	}
	p2.apply(app.ProductsChanged{})
	if !p2.notes.entry.Disabled() || !p2.notes.save.Disabled() || p2.notes.status.Text == "" {
		t.Errorf("with no show: entry disabled %t, save disabled %t, status %q", p2.notes.entry.Disabled(), p2.notes.save.Disabled(), p2.notes.status.Text)
	}
}

// With nothing to read, the prompter says what would fill it instead of
// showing a black page.
func TestPrompterSaysWhatWouldFillIt(t *testing.T) {
	if _, err := os.Stat(uiTestFont); err != nil {
		t.Skip("install fonts-wqy-microhei (make deps)")
	}
	a := test.NewTempApp(t)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	desk, err := app.NewProductDesk(app.ProductDeskConfig{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	p := newPrompterWindow(a, desk)
	defer p.win.Close()
	if p.view.text != "" || !strings.Contains(p.title.Text, "notes") {
		t.Errorf("an empty prompter reads %q with the title %q; want a hint on the title", p.view.text, p.title.Text)
	}
}
