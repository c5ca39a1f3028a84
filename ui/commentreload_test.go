package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"showcaster/app"
)

// rowLine is a row as a person reads it: time, name, text, badge.
func rowLine(p *commentsPanel, i int) string {
	it := newCommentItem().(*commentItem)
	p.updateItem(i, it)
	return strings.Join([]string{it.time.Text, it.name.Text, it.text.Text, it.badge.Text}, " | ")
}

// After a restart the studio reads the show's history again: the window
// lists each reply at the time it was given, under the comment it answers,
// and a late answer to an earlier comment does not move the host's
// selection to another row.
func TestRepliesFromHistoryUnderTheirComment(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	p := h.w.comments

	t0 := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	c1, c2 := comment("c1", "小王", "1号链接还有货吗?"), comment("c2", "阿美", "主播好")
	c1.At, c2.At = t0, t0.Add(time.Minute)
	reply := app.Reply{CommentID: "c1", Text: "有的,马上上架", ViewerID: "v小王", At: t0.Add(30 * time.Second)}
	fs.events <- app.CommentReceived{Comment: c1}
	fs.events <- app.CommentReceived{Comment: c2}
	fs.events <- app.ReplySent{Reply: reply}
	h.waitFor("the history", func() bool { return p.log.Len() == 3 })

	want := []string{
		t0.Local().Format("15:04:05") + " | 小王 | 1号链接还有货吗? | answered",
		reply.At.Local().Format("15:04:05") + " | to 小王 | 有的,马上上架 | public",
		c2.At.Local().Format("15:04:05") + " | 阿美 | 主播好 | ",
	}
	for i, w := range want {
		if got := rowLine(p, i); got != w {
			t.Errorf("row %d reads %q, want %q", i, got, w)
		}
	}

	// The host selects 阿美's comment; another answer to 小王 goes in above it.
	p.list.Select(2)
	fs.events <- app.ReplySent{Reply: app.Reply{CommentID: "c1", Text: "下午三点补货", ViewerID: "v小王", At: t0.Add(2 * time.Minute)}}
	h.waitFor("the second answer", func() bool { return p.log.Len() == 4 })
	if got := rowLine(p, 2); !strings.Contains(got, "下午三点补货") {
		t.Errorf("row 2 reads %q, want the second answer under the first", got)
	}
	if p.sel.ID != "c2" || p.selRow != 3 {
		t.Errorf("selection is %s at row %d, want c2 at row 3", p.sel.ID, p.selRow)
	}
	test.Type(p.entry, "欢迎")
	test.Tap(p.replyPublic)
	h.waitFor("the answer to 阿美", func() bool { return p.log.Len() == 5 })
	fs.mu.Lock()
	last := fs.replies[len(fs.replies)-1]
	fs.mu.Unlock()
	if last.CommentID != "c2" {
		t.Errorf("the answer went to %s, want c2 (the selected comment)", last.CommentID)
	}
}
