package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"showcaster/platform"
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

// Co-hosting notices and the audit's rejection reach the window as
// sentences it translates, never as English or two languages glued together.
func TestGuestNoticesAndRejectionAreTranslatable(t *testing.T) {
	srv, _ := localPlatform(t)
	s, err := NewStudio(StudioConfig{DataDir: t.TempDir(), NoDevices: true, Settings: Settings{Width: 320, Height: 180, FPS: 30,
		MaxKbps: 500, PlatformURL: srv.URL(), PlatformToken: srv.StudioToken()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.platformEvent("s1", platform.Event{Type: platform.EventGuestJoined, Guest: &platform.Guest{ID: "g1", Name: "小王"}})
	s.platformEvent("s1", platform.Event{Type: platform.EventGuestLeft, Guest: &platform.Guest{ID: "g1", Name: "小王"}})
	for _, key := range []string{"%s joined the program.", "%s left the co-hosting; their name card holds their place on the program."} {
		n := waitEvent(t, s, "the notice "+key, func(e Notice) bool { return e.Msg != nil || e.Text != "" })
		if n.Msg == nil || n.Msg.Key != key || len(n.Msg.Args) != 1 || n.Msg.Args[0] != "小王" || n.Text != "" {
			t.Errorf("the co-hosting notice is %+v (text %q); want the sentence %q with the guest's name", n.Msg, n.Text, key)
		}
	}

	rejected := Show{ID: "s1", State: StateRejected, RejectCode: platform.RejectBannedWord, RejectWord: "最便宜",
		RejectReason: `title contains the banned word "最便宜"`}
	if m := RejectReason(rejected); m == nil || !strings.Contains(m.Key, "banned word") || m.Args[0] != "最便宜" {
		t.Errorf("the reason to show: %+v; want a sentence naming 最便宜", m)
	}
	var m *Message
	if err := whyNot(rejected, ActionStartTrial, false); !errors.As(err, &m) || !errors.Is(err, ErrRejected) || m.Args[0] != "最便宜" {
		t.Errorf("starting a rejected show: %v; want a translatable ErrRejected naming the word", err)
	}
	// A code this studio does not know: the platform's own sentence.
	other := Show{ID: "s2", State: StateRejected, RejectCode: "cover_blurry", RejectReason: "the cover is blurry"}
	if RejectReason(other) != nil {
		t.Error("an unknown code was translated")
	}
	if err := whyNot(other, ActionStartTrial, false); !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "the cover is blurry") {
		t.Errorf("starting a show rejected for an unknown reason: %v", err)
	}
}
