package ui

import (
	"fmt"
	"testing"
	"time"

	"showcaster/app"
)

// A big show's comment storm must not freeze the picture: 5,000 comments
// arrive at once and the preview keeps getting frames while the list
// absorbs them.
func TestCommentBurstKeepsPreviewMoving(t *testing.T) {
	fs := newFakeStudio()
	h := newHarness(t, fs)
	h.waitFor("the first frame", func() bool { return h.w.preview.frames > 0 })

	const n = 5000
	start := time.Now()
	framesBefore := h.w.preview.frames
	go func() {
		for i := 0; i < n; i++ {
			fs.events <- app.CommentReceived{Comment: comment(fmt.Sprintf("b%d", i), fmt.Sprintf("观众%d", i%97), "这个颜色有现货吗?")}
		}
	}()
	var slowest time.Duration
	for h.w.comments.log.Len() < n {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("only %d of %d comments after 10 s", h.w.comments.log.Len(), n)
		}
		select {
		case f := <-h.ui:
			t0 := time.Now()
			f()
			slowest = max(slowest, time.Since(t0))
		case <-time.After(5 * time.Millisecond):
		}
	}
	took := time.Since(start)
	// The picture goes on after the burst. Speed is measured, not asserted:
	// the figures are logged for docs/benchmarks.md.
	mid := h.w.preview.frames
	h.waitFor("preview frames after the burst", func() bool { return h.w.preview.frames >= mid+15 })
	t.Logf("%d comments listed in %v; slowest UI batch %v; %d frames during the burst, 15 more after it in %v",
		n, took.Round(time.Millisecond), slowest.Round(time.Microsecond), mid-framesBefore, time.Since(start)-took)
	if got := h.w.comments.log.At(h.w.comments.log.Len() - 1).comment.ID; got != fmt.Sprintf("b%d", n-1) {
		t.Errorf("the newest row is %s", got)
	}
	// Another burst past the cap: memory stays bounded.
	for i := 0; i < 2000; i++ {
		fs.events <- app.CommentReceived{Comment: comment(fmt.Sprintf("x%d", i), "v", "再来一波")}
	}
	h.waitFor("the second burst", func() bool {
		l := h.w.comments.log
		return l.At(l.Len()-1).comment.ID == "x1999"
	})
	if l := h.w.comments.log; l.Len() != maxComments || len(l.byID) != maxComments {
		t.Errorf("after 7,000 comments the panel holds %d rows and %d ids, want %d", l.Len(), len(l.byID), maxComments)
	}
}
