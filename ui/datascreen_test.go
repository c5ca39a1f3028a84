package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"showcaster/app"
)

// TestDataScreen opens the live data screen in Chinese and in English: the
// big numbers follow the counters the platform pushes, and the live charts
// are drawn from the running report.
func TestDataScreen(t *testing.T) {
	for _, code := range []string{"zh", "en"} {
		t.Run(code, func(t *testing.T) {
			t.Setenv("LANGUAGE", code)
			if err := setupLanguage(code); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { setupLanguage("en") })
			fs := newFakeStudio()
			h := newHarness(t, fs)
			h.w.openDataScreen()
			d := h.w.side.data
			h.waitFor("the first charts", func() bool { return d.charts >= 1 })
			fs.events <- app.Counters{Online: 312, Likes: 5540, Orders: 18, RevenueCents: 286200}
			h.waitFor("the counters on the screen", func() bool { return d.numbers["online"].Text == "312" })
			for key, want := range map[string]string{"orders": "18", "revenue": "2862.00", "likes": "5540"} {
				if got := d.numbers[key].Text; got != want {
					t.Errorf("%s reads %q, want %q", key, got, want)
				}
			}
			if dir := os.Getenv("SHOWCASTER_SHOTS"); dir != "" {
				f, err := os.Create(filepath.Join(dir, "datascreen-"+code+".png"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				png.Encode(f, d.win.Canvas().Capture())
			}
			d.win.Close() // hides it and stops the refresh
			if d.stop != nil {
				t.Error("the refresh runs on after the screen was closed")
			}
		})
	}
}

// TestAnchorLevelInTheWindow reads the level and the way up in Chinese.
func TestAnchorLevelInTheWindow(t *testing.T) {
	t.Setenv("LANGUAGE", "zh")
	if err := setupLanguage("zh"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { setupLanguage("en") })
	h := newHarness(t, newFakeStudio())
	h.w.openAnchor()
	h.waitFor("the anchor level", func() bool { return h.w.anchor != "" })
	for _, want := range []string{"普通主播", "近 30 天:3 场", "38 位买家", "升到达人主播:再开 2 场 或 再增 12 位买家"} {
		if !strings.Contains(h.w.anchor, want) {
			t.Errorf("anchor level reads %q, want %q in it", h.w.anchor, want)
		}
	}
}
