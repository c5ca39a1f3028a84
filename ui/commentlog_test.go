package ui

import (
	"fmt"
	"testing"
	"time"

	"showcaster/app"
)

func TestCommentLogKeepsTheNewest(t *testing.T) {
	l := newCommentLog(100, nil)
	for i := 0; i < 250; i++ {
		l.AddComment(comment(fmt.Sprintf("c%d", i), "v", fmt.Sprint(i)))
	}
	if l.Len() != 100 {
		t.Fatalf("len %d, want 100", l.Len())
	}
	if got := l.At(0).comment.ID; got != "c150" {
		t.Errorf("oldest = %s, want c150", got)
	}
	if got := l.At(99).comment.ID; got != "c249" {
		t.Errorf("newest = %s, want c249", got)
	}
	if len(l.byID) != 100 {
		t.Errorf("index holds %d ids, want 100 (it must shrink with the ring)", len(l.byID))
	}
	if l.Find("c149") != nil || l.Find("c150") == nil {
		t.Error("Find disagrees with the ring")
	}
	if l.AddComment(comment("c200", "v", "again")) {
		t.Error("a replayed comment was added twice")
	}
	l.AddReply(app.Reply{CommentID: "c200", Text: "ok", Private: true}, time.Now())
	if !l.Find("c200").replied || l.At(99).kind != rowReply || l.At(99).comment.Viewer.Name != "v" {
		t.Error("the reply is not tied to its comment")
	}
	l.SetOnAir("c201")
	if !l.Find("c201").onAir || l.Find("c200").onAir {
		t.Error("on-air mark misplaced")
	}
}
