package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"

	"showcaster/app"
)

// markOf is the moderation mark a row shows ("" for none).
func markOf(p *commentsPanel, i int) string {
	it := newCommentItem().(*commentItem)
	p.updateItem(i, it)
	return it.mark.Text
}

// Mute and block are undone from the same buttons, and every row of the
// viewer carries the mark while it is in force, whoever set it.
func TestMuteAndBlockMarkRowsAndUndo(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	p := h.w.comments

	fs.events <- app.CommentReceived{Comment: comment("c1", "小王", "有货吗")}
	fs.events <- app.CommentReceived{Comment: comment("c2", "路人", "主播好")}
	fs.events <- app.CommentReceived{Comment: comment("c3", "小王", "怎么不回")}
	h.waitFor("three comments", func() bool { return p.log.Len() == 3 })
	marks := func() string { return fmt.Sprint([]string{markOf(p, 0), markOf(p, 1), markOf(p, 2)}) }
	calls := func(n int) []string {
		h.waitFor(fmt.Sprintf("%d moderation calls", n), func() bool {
			fs.mu.Lock()
			defer fs.mu.Unlock()
			return len(fs.moderate) >= n
		})
		fs.mu.Lock()
		defer fs.mu.Unlock()
		return append([]string(nil), fs.moderate...)
	}

	p.list.Select(0)
	steps := []struct {
		tap                     func()
		call, marks, mute, blck string
		muteOff                 bool
	}{
		{func() { test.Tap(p.mute) }, "mute v小王", "[muted  muted]", "Unmute viewer", "Block viewer", false},
		{func() { test.Tap(p.mute) }, "unmute v小王", "[  ]", "Mute viewer", "Block viewer", false},
		{func() { test.Tap(p.block) }, "block v小王", "[blocked  blocked]", "Mute viewer", "Unblock viewer", true},
		{func() { test.Tap(p.block) }, "unblock v小王", "[  ]", "Mute viewer", "Block viewer", false},
	}
	for i, st := range steps {
		st.tap()
		got := calls(i + 1)
		if got[i] != st.call {
			t.Fatalf("step %d called %q, want %q", i, got[i], st.call)
		}
		h.waitFor("the marks after "+st.call, func() bool { return marks() == st.marks })
		if p.mute.Text != st.mute || p.block.Text != st.blck || p.mute.Disabled() != st.muteOff {
			t.Errorf("after %s the buttons read %q (disabled %v) and %q", st.call, p.mute.Text, p.mute.Disabled(), p.block.Text)
		}
	}

	// Another studio blocks 路人: the platform's event marks the row here too,
	// and selecting it offers the undo.
	fs.events <- app.ViewerModerated{ViewerID: "v路人", Standing: app.StandingBlocked}
	h.waitFor("路人 marked", func() bool { return marks() == "[ blocked ]" })
	p.list.Select(1)
	if p.block.Text != "Unblock viewer" || !p.mute.Disabled() {
		t.Errorf("a blocked viewer's buttons read %q / mute disabled %v", p.block.Text, p.mute.Disabled())
	}
	fs.events <- app.ViewerModerated{ViewerID: "v路人", Standing: app.StandingFree}
	h.waitFor("路人 unmarked", func() bool { return marks() == "[  ]" })
	if p.block.Text != "Block viewer" {
		t.Errorf("after the undo elsewhere the button reads %q", p.block.Text)
	}
}
