package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"showcaster/app"
)

// socialStrip shows the newest gift, follow and welcome lines in the comment
// panel (the studio merges them under a flood), each with a one-click
// public thank-you by name and a button that puts it on the program.
type socialStrip struct {
	w     *studioWindow
	box   *fyne.Container
	lines []app.FeedLine
	// onProgram is the line on the program, -1 for none.
	onProgram int
}

const maxSocialLines = 4

func newSocialStrip(w *studioWindow) *socialStrip {
	s := &socialStrip{w: w, box: container.NewVBox(), onProgram: -1}
	return s
}

// add shows a line; the oldest go when more than a few are waiting.
func (s *socialStrip) add(l app.FeedLine) {
	s.lines = append(s.lines, l)
	if n := len(s.lines) - maxSocialLines; n > 0 {
		s.lines = s.lines[n:]
		if s.onProgram >= 0 {
			s.onProgram -= n
		}
	}
	s.draw()
}

func (s *socialStrip) draw() {
	s.box.RemoveAll()
	for i, l := range s.lines {
		line := l.Text
		if l.Msg != nil {
			line = errText(l.Msg)
		}
		text := widget.NewLabel(line)
		text.Truncation = fyne.TextTruncateEllipsis
		if l.Kind == "gift" {
			text.Importance = widget.WarningImportance
		}
		thank := widget.NewButtonWithIcon(lang.L("Thank"), theme.ConfirmIcon(), func() { s.thank(l) })
		var program *widget.Button
		if i == s.onProgram {
			program = widget.NewButtonWithIcon(lang.L("Take down"), theme.CancelIcon(), s.takeDown)
		} else {
			program = widget.NewButtonWithIcon(lang.L("On program"), theme.UploadIcon(), func() { s.program(i) })
		}
		s.box.Add(container.NewBorder(nil, nil, nil, container.NewHBox(thank, program), text))
	}
}

func (s *socialStrip) thank(l app.FeedLine) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.w.studio.Thank(ctx, l); err != nil {
			s.w.cfg.Dispatch(func() { s.w.fail(lang.L("Thank"), err) })
			return
		}
		s.w.cfg.Dispatch(func() { s.w.notify(fmt.Sprintf(lang.L("Thanked: %s"), app.ThanksText(l))) })
	}()
}

func (s *socialStrip) program(i int) {
	if i < 0 || i >= len(s.lines) {
		return
	}
	if err := s.w.studio.GreetOnProgram(s.lines[i]); err != nil {
		s.w.fail(lang.L("On program"), err)
		return
	}
	s.onProgram = i
	s.draw()
}

func (s *socialStrip) takeDown() {
	s.w.studio.GreetOffProgram()
	s.onProgram = -1
	s.draw()
}

// orderLine is the feed's line for an order: "小王 下单了 1号链接".
func orderLine(e app.OrderReceived) app.FeedLine {
	name := e.Viewer.Name
	if name == "" {
		id := e.Order.ViewerID
		if len(id) > 4 {
			id = id[len(id)-4:]
		}
		name = fmt.Sprintf(lang.L("Viewer %s"), id)
	}
	text := fmt.Sprintf(lang.L("%s ordered %d × %s"), name, max(e.Order.Qty, 1), e.Title)
	if e.LinkNo > 0 {
		text = fmt.Sprintf(lang.L("%s ordered link %d × %d"), name, e.LinkNo, max(e.Order.Qty, 1))
	}
	var viewers []app.Viewer
	if e.Viewer.Name != "" {
		viewers = []app.Viewer{e.Viewer}
	}
	return app.FeedLine{Kind: "order", Viewers: viewers, Text: text}
}
