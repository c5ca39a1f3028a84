package ui

import (
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// repaintProbe is an empty widget that counts how often the toolkit walks
// the window's objects: Fyne walks a dirty window twice for each repaint
// (its minimum-size pass and the paint itself), and not at all while
// nothing on it changes. The count goes into the preview's trace line, so a
// test can see whether the window is repainted with every preview frame.
type repaintProbe struct {
	widget.BaseWidget
	walks atomic.Int64
}

func newRepaintProbe() *repaintProbe {
	p := &repaintProbe{}
	p.ExtendBaseWidget(p)
	return p
}

// repaints is the number of repaints counted so far.
func (p *repaintProbe) repaints() int64 { return p.walks.Load() / 2 }

func (p *repaintProbe) CreateRenderer() fyne.WidgetRenderer { return probeRenderer{p} }

type probeRenderer struct{ p *repaintProbe }

func (r probeRenderer) Layout(fyne.Size)   {}
func (r probeRenderer) MinSize() fyne.Size { return fyne.Size{} }
func (r probeRenderer) Refresh()           {}
func (r probeRenderer) Destroy()           {}
func (r probeRenderer) Objects() []fyne.CanvasObject {
	r.p.walks.Add(1)
	return nil
}
