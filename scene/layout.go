package scene

import (
	"fmt"
	"image"
	"strings"

	"showcaster/capture"
)

// Layout is a ready-made arrangement of the main and second sources.
type Layout int

const (
	LayoutUnknown Layout = iota
	// LayoutFull shows the main source alone on the whole canvas.
	LayoutFull
	// LayoutPiP shows the main source (typically the screen) full and the
	// second (typically the camera) in a box in the bottom-right corner.
	LayoutPiP
	// LayoutSide shows the two side by side, each letterboxed in its half.
	LayoutSide
)

func (l Layout) String() string {
	switch l {
	case LayoutFull:
		return "full"
	case LayoutPiP:
		return "pip"
	case LayoutSide:
		return "side"
	default:
		return "unknown"
	}
}

// ParseLayout reads a layout name as String writes it.
func ParseLayout(s string) (Layout, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "full":
		return LayoutFull, nil
	case "pip", "picture-in-picture":
		return LayoutPiP, nil
	case "side", "side-by-side":
		return LayoutSide, nil
	}
	return LayoutUnknown, fmt.Errorf("layout %q: %w", s, ErrUnknownLayout)
}

// Item IDs used by LayoutItems. The scene takes the capture time of the
// "main" item's frame as the program frame's CaptureTime.
const (
	ItemMain   = "main"
	ItemSecond = "second"
)

// LayoutItems places main and second on a w×h canvas. A nil second leaves
// every layout as LayoutFull, so a show without a camera still has a picture.
func LayoutItems(l Layout, w, h int, main, second capture.VideoSource) []Item {
	full := image.Rect(0, 0, w, h)
	if second == nil || l == LayoutFull || l == LayoutUnknown {
		if main == nil {
			return nil
		}
		return []Item{{ID: ItemMain, Source: main, Rect: full, Visible: true}}
	}
	switch l {
	case LayoutPiP:
		box := pipBox(w, h)
		items := []Item{{ID: ItemSecond, Source: second, Rect: box, Z: 1, Visible: true, Fit: FitCover}}
		if main != nil {
			items = append([]Item{{ID: ItemMain, Source: main, Rect: full, Visible: true}}, items...)
		}
		return items
	case LayoutSide:
		half := (w / 2) &^ 1
		items := []Item{{ID: ItemSecond, Source: second, Rect: image.Rect(half, 0, w, h), Visible: true}}
		if main != nil {
			items = append([]Item{{ID: ItemMain, Source: main, Rect: image.Rect(0, 0, half, h), Visible: true}}, items...)
		}
		return items
	}
	return nil
}

// pipBox is a 16:9 box a quarter of the canvas width wide (a third on a
// portrait canvas), inset from the bottom-right corner by a margin that
// keeps it clear of the platform's own buttons near the edge.
func pipBox(w, h int) image.Rectangle {
	bw := w / 4
	if h > w {
		bw = w / 3
	}
	bw &^= 1
	bh := (bw * 9 / 16) &^ 1
	margin := (min(w, h) / 24) &^ 1
	return image.Rect(w-margin-bw, h-margin-bh, w-margin, h-margin)
}
