package e2e

import (
	"debug/buildinfo"
	"slices"
	"strings"
	"testing"
)

// TestStudioBinaryLeavesEmojiToTheSystem: `make build` leaves Fyne's bundled
// emoji font out of the Linux program (-tags no_emoji). Fyne parses that font
// once for every text style the window uses, 14 MB of the idle window's
// memory before any emoji is shown; the system's emoji font is loaded when
// the first one appears instead (Makefile, docs/benchmarks.md).
func TestStudioBinaryLeavesEmojiToTheSystem(t *testing.T) {
	bin := studioBinary(t)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range info.Settings {
		if s.Key == "-tags" {
			if !slices.Contains(strings.Split(s.Value, ","), "no_emoji") {
				t.Errorf("%s was built with -tags %s; want no_emoji among them (make build)", bin, s.Value)
			}
			return
		}
	}
	t.Errorf("%s was built without -tags; want x11,no_emoji (make build)", bin)
}
