package overlay

import (
	"fmt"
	"image"
	"math"
	"strings"
	"time"
)

// Corner is where the product card sits on the program.
type Corner int

const (
	CornerUnknown Corner = iota
	TopLeft
	TopRight
	BottomLeft
	BottomRight
)

// DefaultCorner keeps the card low and to the right, clear of the host's
// face in the usual framing.
const DefaultCorner = BottomRight

func (c Corner) String() string {
	switch c {
	case TopLeft:
		return "tl"
	case TopRight:
		return "tr"
	case BottomLeft:
		return "bl"
	case BottomRight:
		return "br"
	default:
		return "unknown"
	}
}

// ParseCorner reads tl, tr, bl, br (or top-left … bottom-right).
func ParseCorner(s string) (Corner, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "tl", "top-left", "topleft", "左上":
		return TopLeft, nil
	case "tr", "top-right", "topright", "右上":
		return TopRight, nil
	case "bl", "bottom-left", "bottomleft", "左下":
		return BottomLeft, nil
	case "br", "bottom-right", "bottomright", "右下":
		return BottomRight, nil
	}
	return CornerUnknown, fmt.Errorf("%w (got %q)", ErrCorner, s)
}

func (c Corner) orDefault() Corner {
	if c < TopLeft || c > BottomRight {
		return DefaultCorner
	}
	return c
}

func (c Corner) right() bool  { c = c.orDefault(); return c == TopRight || c == BottomRight }
func (c Corner) bottom() bool { c = c.orDefault(); return c == BottomLeft || c == BottomRight }

// Margin is the gap between overlays and the canvas edge: 24 px at 720p.
func Margin(canvasH int) int { return int(math.Round(24 * unit(canvasH))) }

// CardPosition is the top-left point of an overlay of size placed in corner
// of the canvas, Margin away from the edges (the overlay's own shadow margin
// adds to that).
func CardPosition(corner Corner, size, canvas image.Point) image.Point {
	m := Margin(canvas.Y)
	p := image.Pt(m, m)
	if corner.right() {
		p.X = canvas.X - m - size.X
	}
	if corner.bottom() {
		p.Y = canvas.Y - m - size.Y
	}
	return p
}

// BulletinPosition centres the banner horizontally at the top of the canvas,
// or at the bottom when the card is in a top corner, so the two never meet.
func BulletinPosition(card Corner, size, canvas image.Point) image.Point {
	m := Margin(canvas.Y)
	p := image.Pt((canvas.X-size.X)/2, m)
	if !card.bottom() {
		p.Y = canvas.Y - m - size.Y
	}
	return p
}

// CommentPosition puts a highlighted comment in the bottom corner opposite the
// card (above the bulletin's bottom slot when the card is at the top).
func CommentPosition(card Corner, size, canvas image.Point) image.Point {
	m := Margin(canvas.Y)
	p := image.Pt(m, canvas.Y-m-size.Y)
	if !card.right() {
		p.X = canvas.X - m - size.X
	}
	if !card.bottom() {
		p.Y -= int(math.Round(80 * unit(canvas.Y)))
	}
	return p
}

// Offscreen is where a card in corner starts its slide-in: level with its
// resting place, just past the nearer side edge.
func Offscreen(corner Corner, size, canvas image.Point) image.Point {
	p := CardPosition(corner, size, canvas)
	if corner.right() {
		p.X = canvas.X
	} else {
		p.X = -size.X
	}
	return p
}

// EaseOut is the cubic ease-out curve: fast start, gentle landing.
func EaseOut(t float64) float64 {
	t = math.Max(0, math.Min(1, t))
	u := 1 - t
	return 1 - u*u*u
}

// SlideAt is the position elapsed into a slide of length d from from to to.
// Driven by elapsed time rather than frame counts, a slide stays on schedule
// when frames are late.
func SlideAt(from, to image.Point, elapsed, d time.Duration) image.Point {
	if d <= 0 || elapsed >= d {
		return to
	}
	t := EaseOut(float64(elapsed) / float64(d))
	return image.Pt(
		from.X+int(math.Round(float64(to.X-from.X)*t)),
		from.Y+int(math.Round(float64(to.Y-from.Y)*t)))
}

// Slide lists the positions of a slide for each frame at fps, ending at to.
func Slide(from, to image.Point, d time.Duration, fps int) []image.Point {
	if fps <= 0 {
		fps = 30
	}
	n := int(math.Ceil(d.Seconds() * float64(fps)))
	if n < 1 {
		return []image.Point{to}
	}
	out := make([]image.Point, n)
	for i := range out {
		out[i] = SlideAt(from, to, time.Duration(i+1)*d/time.Duration(n), d)
	}
	return out
}
