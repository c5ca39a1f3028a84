package ui

import (
	"image"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"showcaster/app"
)

func TestPrompterFollowsScrollsPausesMirrors(t *testing.T) {
	a := test.NewTempApp(t)
	desk, _, order := deskFixture(t)
	p := newPrompterWindow(a, desk)
	defer p.win.Close()
	p.win.Resize(fyne.NewSize(800, 600))

	// With nothing on air: notes and every card.
	if !strings.Contains(p.view.text, "开场：欢迎新朋友") || strings.Count(p.view.text, "号链接") != 3 {
		t.Fatalf("overview text %q", p.view.text)
	}
	if err := desk.ExplainNow(order[1]); err != nil {
		t.Fatal(err)
	}
	p.apply(app.ProductOnAir{ProductID: order[1]})
	if !strings.HasPrefix(p.view.text, "# 1号链接 真丝睡衣\n家人们看过来") || !strings.Contains(p.title.Text, "真丝睡衣") {
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
	if strings.Count(p.view.text, "号链接") != 3 {
		t.Fatalf("after take down: %q", p.view.text)
	}
}
