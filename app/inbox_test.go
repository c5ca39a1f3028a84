package app

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// A studio opened again on a show reads its comments, replies and moderation
// from the platform's history: each reply carries the time the platform took
// it and the comment it answers, not the moment it was read again, and each
// viewer's standing comes back in order.
func TestRepliesReadAgainAfterARestartKeepTheirTime(t *testing.T) {
	srv, client := localPlatform(t)
	ctx := context.Background()
	sh := approvedShow(t, client, "重开的直播间")
	ing, err := client.StartTrial(ctx, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	open := func() *Studio {
		s, err := NewStudio(StudioConfig{DataDir: dir, NoDevices: true, Settings: Settings{Width: 320, Height: 180, FPS: 30,
			MaxKbps: 500, PlatformURL: srv.URL(), PlatformToken: srv.StudioToken()}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.SelectShow(ctx, sh.ID); err != nil {
			t.Fatal(err)
		}
		return s
	}

	first := open()
	v := newViewer(t, srv.URL())
	v.comment(t, ing.ViewerURL, sh.ID, "1号链接还有货吗")
	c1 := waitEvent(t, first, "the first comment", func(e CommentReceived) bool { return e.Comment.Text == "1号链接还有货吗" }).Comment
	v.comment(t, ing.ViewerURL, sh.ID, "主播好")
	waitEvent(t, first, "the second comment", func(e CommentReceived) bool { return e.Comment.Text == "主播好" })
	if err := first.Reply(ctx, c1, "有的,马上上架", false); err != nil {
		t.Fatal(err)
	}
	live := waitEvent(t, first, "the reply", func(e ReplySent) bool { return e.Reply.CommentID == c1.ID }).Reply
	if live.At.IsZero() {
		t.Fatal("the reply came without the time the platform took it")
	}
	// The host mutes the viewer and thinks better of it; then mutes again.
	for _, a := range []string{ModerationMute, ModerationUnmute, ModerationBlock} {
		if err := first.Moderate(ctx, c1.Viewer.ID, a); err != nil {
			t.Fatal(err)
		}
		want, _ := StandingAfter(a)
		waitEvent(t, first, "the viewer's standing after "+a, func(e ViewerModerated) bool {
			return e.ViewerID == c1.Viewer.ID && e.Standing == want
		})
	}
	if err := first.Moderate(ctx, c1.Viewer.ID, "forgive"); !errors.Is(err, ErrModerationAction) {
		t.Errorf("an unknown action: %v, want %v", err, ErrModerationAction)
	}
	first.Close()

	second := open()
	defer second.Close()
	var order []string
	again := waitEvent(t, second, "the reply read again", func(e Event) bool {
		switch e := e.(type) {
		case CommentReceived:
			order = append(order, e.Comment.Text)
		case ReplySent:
			order = append(order, "↳"+e.Reply.Text)
			return true
		}
		return false
	}).(ReplySent).Reply
	if !again.At.Equal(live.At) {
		t.Errorf("the reply read again carries %s, want the time it was taken, %s", again.At, live.At)
	}
	if again.CommentID != c1.ID {
		t.Errorf("the reply read again answers %q, want %q", again.CommentID, c1.ID)
	}
	if want := "[1号链接还有货吗 主播好 ↳有的,马上上架]"; fmt.Sprint(order) != want {
		t.Errorf("history read in the order %s, want %s", fmt.Sprint(order), want)
	}
	var standings []Standing
	waitEvent(t, second, "the standing read again", func(e ViewerModerated) bool {
		standings = append(standings, e.Standing)
		return len(standings) == 3
	})
	if fmt.Sprint(standings) != "[muted free blocked]" {
		t.Errorf("the history says %v, want [muted free blocked]", standings)
	}
}
