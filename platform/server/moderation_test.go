package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"showcaster/platform"
)

// moderate posts an action as the studio and returns the platform's answer.
func (p *testPlatform) moderate(t *testing.T, showID, viewerID, action string) (platform.Moderated, int) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"viewer_id": viewerID, "action": action})
	req, _ := http.NewRequest("POST", p.srv.URL()+"/api/shows/"+showID+"/moderation", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+p.srv.StudioToken())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out platform.Moderated
	json.NewDecoder(resp.Body).Decode(&out)
	return out, resp.StatusCode
}

// A mute and a block can be undone: the viewer's comments reach the room
// again, and a blocked viewer may like and comment again. The standing is
// stored (it survives a restart of the platform) and every change reaches
// the studio's event stream.
func TestModerationCanBeUndone(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("撤销禁言")
	v := p.newViewer(s.ID, "")

	steps := []struct {
		action         string
		muted, blocked bool
		comment, like  int  // what the viewer's comment and like get
		held           bool // the comment is held back from the room
	}{
		{platform.ModerationMute, true, false, 201, 200, true},
		{platform.ModerationUnmute, false, false, 201, 200, false},
		{platform.ModerationBlock, true, true, 403, 403, false},
		{platform.ModerationUnblock, false, false, 201, 200, false},
		{platform.ModerationBlock, true, true, 403, 403, false},
		{platform.ModerationUnmute, false, false, 201, 200, false}, // lifting the mute lifts the block it includes
	}
	for i, st := range steps {
		got, code := p.moderate(t, s.ID, v.me.ID, st.action)
		if code != 200 || got.Action != st.action || got.ViewerID != v.me.ID || got.Muted != st.muted || got.Blocked != st.blocked {
			t.Fatalf("step %d %s: %d %+v, want muted %v blocked %v", i, st.action, code, got, st.muted, st.blocked)
		}
		p.clk.Advance(2 * time.Second) // the viewer's comment budget refills
		c, code := v.comment(s.ID, "第几条")
		if code != st.comment || (code == 201 && c.Flagged != st.held) {
			t.Errorf("step %d after %s: comment %d flagged %v (%q), want %d held %v", i, st.action, code, c.Flagged, c.FlagReason, st.comment, st.held)
		}
		if code := v.call("POST", "/api/shows/"+s.ID+"/likes", nil, nil); code != st.like {
			t.Errorf("step %d after %s: like %d, want %d", i, st.action, code, st.like)
		}
	}
	if _, code := p.moderate(t, s.ID, v.me.ID, "forgive"); code != 400 {
		t.Errorf("an unknown action: %d, want 400", code)
	}

	// The standing is stored: block, restart the platform, still blocked;
	// unblock after the restart and the viewer is back.
	p.moderate(t, s.ID, v.me.ID, platform.ModerationBlock)
	p.srv.Close()
	p = startPlatform(t, p.dir, p.clk)
	v.base = p.srv.URL()
	if _, code := v.comment(s.ID, "重启之后"); code != 403 {
		t.Errorf("a blocked viewer after a restart: %d, want 403", code)
	}
	p.moderate(t, s.ID, v.me.ID, platform.ModerationUnblock)
	if c, code := v.comment(s.ID, "又能说话了"); code != 201 || c.Flagged {
		t.Errorf("after unblocking: %d %+v", code, c)
	}

	// The studio hears every change, in order.
	studio := dialStudio(t, p, s.ID, 0)
	if err := p.studio.Bulletin(ctx(t), s.ID, "end"); err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range readUntil(t, studio, "end") {
		if e.Type == platform.EventModeration {
			if e.ViewerID != v.me.ID {
				t.Errorf("moderation event for %q, want %q", e.ViewerID, v.me.ID)
			}
			actions = append(actions, e.Action)
		}
	}
	want := "[mute unmute block unblock block unmute block unblock]"
	if got := fmt.Sprint(actions); got != want {
		t.Errorf("the studio heard %s, want %s", got, want)
	}
}
