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
	if under := l.At(l.Index("c200") + 1); !l.Find("c200").replied || under.kind != rowReply || under.comment.Viewer.Name != "v" {
		t.Error("the reply is not tied to its comment")
	}
	l.SetOnAir("c201")
	if !l.Find("c201").onAir || l.Find("c200").onAir {
		t.Error("on-air mark misplaced")
	}
}

// Answers go under the comment they answer, in the order they came, however
// late they arrive; a full log keeps its index true while rows move.
func TestCommentLogAnswersUnderTheirComment(t *testing.T) {
	l := newCommentLog(6, nil)
	t0 := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	for i, id := range []string{"c1", "c2", "c3"} {
		c := comment(id, "v", id)
		c.At = t0.Add(time.Duration(i) * time.Minute)
		l.AddComment(c)
	}
	l.AddReply(app.Reply{CommentID: "c1", Text: "a1"}, t0.Add(3*time.Minute))
	l.AddReply(app.Reply{CommentID: "c2", Text: "b1"}, t0.Add(4*time.Minute))
	l.AddReply(app.Reply{CommentID: "c1", Text: "a2"}, t0.Add(5*time.Minute))
	rows := func() string {
		var out []string
		for i := 0; i < l.Len(); i++ {
			r := l.At(i)
			if r.kind == rowReply {
				out = append(out, r.reply.Text+"@"+r.at.Format("04"))
			} else {
				out = append(out, r.comment.ID)
			}
		}
		return fmt.Sprint(out)
	}
	if got, want := rows(), "[c1 a1@03 a2@05 c2 b1@04 c3]"; got != want {
		t.Fatalf("rows %s, want %s", got, want)
	}
	for _, id := range []string{"c1", "c2", "c3"} {
		if r := l.Find(id); r == nil || r.comment.ID != id {
			t.Fatalf("Find(%s) = %+v after the rows moved", id, r)
		}
	}
	// Full: the next answer lets the oldest row go and still lands under c2.
	l.AddReply(app.Reply{CommentID: "c2", Text: "b2"}, t0.Add(6*time.Minute))
	if got, want := rows(), "[a1@03 a2@05 c2 b1@04 b2@06 c3]"; got != want {
		t.Fatalf("rows %s, want %s", got, want)
	}
	if l.Find("c1") != nil || l.Find("c3").comment.ID != "c3" || l.Index("c2") != 2 {
		t.Error("the index disagrees with the ring after a full insert")
	}
	// An answer to a comment no longer held goes at the end.
	l.AddReply(app.Reply{CommentID: "c1", Text: "a3"}, t0.Add(7*time.Minute))
	if got, want := rows(), "[a2@05 c2 b1@04 b2@06 c3 a3@07]"; got != want {
		t.Fatalf("rows %s, want %s", got, want)
	}
}
