package ui

import (
	"strings"
	"testing"
	"time"

	"showcaster/app"
)

// The audit's reason reads in the window's language: the platform names the
// banned word with a code, and the Chinese window says it in Chinese.
func TestRejectionReasonInTheWindowsLanguage(t *testing.T) {
	for code, want := range map[string]string{"zh": "审核未通过: 标题含违禁词“最便宜”", "en": "Rejected: the title contains the banned word “最便宜”"} {
		t.Run(code, func(t *testing.T) {
			t.Setenv("LANGUAGE", code)
			if err := setupLanguage(code); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { setupLanguage("en") })
			fs := newFakeStudio()
			fs.shows = []app.Show{{ID: "s1", Title: "全网最便宜的羽绒服", StartsAt: time.Now(), DurationMin: 60, State: app.StateRejected,
				RejectCode: app.RejectBannedWord, RejectWord: "最便宜", RejectReason: `title contains the banned word "最便宜"`}}
			fs.current = "s1"
			h := newHarness(t, fs)
			h.waitFor("the rejected show with its reason", func() bool { return strings.Contains(h.w.show.state.Text, "最便宜") })
			if got := h.w.show.state.Text; !strings.Contains(got, want) || code == "zh" && strings.Contains(got, "banned") {
				t.Errorf("the state line reads %q; want %q", got, want)
			}
		})
	}
}
