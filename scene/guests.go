package scene

import (
	"fmt"
	"image"
	"strings"

	"showcaster/capture"
)

// GuestLayout arranges the host and co-hosting guests (连麦) on the canvas.
type GuestLayout int

const (
	GuestLayoutUnknown GuestLayout = iota
	// GuestSide: host on the left half, the first guest on the right.
	GuestSide
	// GuestPiP: host full, the first guest in a box in the bottom-right corner.
	GuestPiP
	// GuestFull: the first guest alone.
	GuestFull
	// GuestGrid: host and up to three guests in a 2×2 grid (two in a row side by side).
	GuestGrid
)

func (l GuestLayout) String() string {
	switch l {
	case GuestSide:
		return "side"
	case GuestPiP:
		return "pip"
	case GuestFull:
		return "guest"
	case GuestGrid:
		return "grid"
	}
	return "unknown"
}

// ParseGuestLayout reads a layout name as String writes it.
func ParseGuestLayout(s string) (GuestLayout, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "side", "side-by-side":
		return GuestSide, nil
	case "pip", "picture-in-picture":
		return GuestPiP, nil
	case "guest", "full":
		return GuestFull, nil
	case "grid":
		return GuestGrid, nil
	}
	return GuestLayoutUnknown, fmt.Errorf("guest layout %q (side, pip, guest, grid): %w", s, ErrUnknownLayout)
}

// GuestItemID is the item id of guest i (0-based).
func GuestItemID(i int) string { return fmt.Sprintf("guest%d", i+1) }

// GuestItems places the host and the visible guests (at most three) on a w×h
// canvas. The host is ItemMain, so the program frame's capture time stays the
// host camera's. Without guests every layout shows the host alone.
func GuestItems(l GuestLayout, w, h int, host capture.VideoSource, guests []capture.VideoSource) []Item {
	if len(guests) > 3 {
		guests = guests[:3]
	}
	if len(guests) == 0 {
		return LayoutItems(LayoutFull, w, h, host, nil)
	}
	switch l {
	case GuestSide:
		return LayoutItems(LayoutSide, w, h, host, guests[0])
	case GuestPiP:
		return LayoutItems(LayoutPiP, w, h, host, guests[0])
	case GuestFull:
		return []Item{{ID: GuestItemID(0), Source: guests[0], Rect: image.Rect(0, 0, w, h), Visible: true}}
	}
	// The grid: two tiles side by side for host + one guest, else 2×2.
	all := append([]capture.VideoSource{host}, guests...)
	if host == nil {
		all = guests
	}
	if len(all) <= 2 {
		return LayoutItems(LayoutSide, w, h, all[0], all[len(all)-1])
	}
	hw, hh := (w/2)&^1, (h/2)&^1
	var items []Item
	for i, src := range all {
		x, y := (i%2)*hw, (i/2)*hh
		id := GuestItemID(i - 1)
		if i == 0 && host != nil {
			id = ItemMain
		} else if host == nil {
			id = GuestItemID(i)
		}
		items = append(items, Item{ID: id, Source: src, Rect: image.Rect(x, y, x+hw, y+hh), Visible: true, Fit: FitCover})
	}
	return items
}
