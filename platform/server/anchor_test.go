package server

import (
	"testing"
	"time"

	"showcaster/internal/clock"
	"showcaster/platform"
)

// TestAnchorSessionCountsPastFifteenMinutesOnAir runs a trial and a formal
// broadcast with a real publisher: only the broadcast's on-air time counts,
// and the session counts once it is on air for more than 15 minutes.
func TestAnchorSessionCountsPastFifteenMinutesOnAir(t *testing.T) {
	p := newPlatform(t)
	p.srv.cfg.Location = epoch.Location()
	c := ctx(t)
	api := peerAPI(t)
	s := p.approvedShow("周末上新")

	in, err := p.studio.StartTrial(c, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	pub := publish(t, api, in.WHIPURL, in.Token, 1, 30, 1)
	eventually(t, "the trial publisher is sending", p.srv.shows[s.ID].relay.publishing)
	p.clk.Advance(20 * time.Minute) // a long trial is never a session
	if _, err := p.studio.GoLive(c, s.ID); err != nil {
		t.Fatal(err)
	}
	// The same publisher keeps sending from the trial into the broadcast.
	p.clk.Advance(15 * time.Minute)
	st, err := p.studio.Anchor(c, "")
	if err != nil {
		t.Fatal(err)
	}
	if st.Sessions30d != 0 || st.Level != "ordinary" || st.Next == nil || st.Next.Text != "5 more sessions or 50 more buyers" {
		t.Fatalf("at exactly 15 minutes on air: %+v", st)
	}
	p.clk.Advance(time.Second)
	if st, err = p.studio.Anchor(c, ""); err != nil || st.Sessions30d != 1 {
		t.Fatalf("at 15:01 on air: %+v, %v", st, err)
	}
	pub.close()
	eventually(t, "the publisher is gone", func() bool { return !p.srv.shows[s.ID].relay.publishing() })
	p.clk.Advance(time.Hour) // off air: the time does not count, the session stays counted
	if _, err := p.studio.End(c, s.ID); err != nil {
		t.Fatal(err)
	}
	air, err := p.srv.onAir(c, s.ID)
	if err != nil || air != 15*time.Minute+time.Second {
		t.Fatalf("on air %v (%v), want 15m1s", air, err)
	}
	st, err = p.studio.Anchor(c, "industrial")
	if err != nil || st.Sessions30d != 1 || st.Category != "industrial" || st.Next.Text != "4 more sessions or 20 more buyers" {
		t.Fatalf("industrial: %+v, %v", st, err)
	}
	if len(st.Flagged) != 0 {
		t.Fatalf("a show from 20:00 to 22:00 is flagged: %+v", st.Flagged)
	}
	if _, err := p.studio.Anchor(c, "toys"); err == nil {
		t.Fatal("an unknown category was accepted")
	}
}

// TestAnchorOnAirSurvivesRestart: a span left open by a stopped platform
// ends at the last minute it was seen publishing.
func TestAnchorOnAirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(epoch)
	p := startPlatform(t, dir, clk)
	c := ctx(t)
	s, in := p.liveShow("重启")
	pub := publish(t, peerAPI(t), in.WHIPURL, in.Token, 1, 30, 1)
	eventually(t, "publishing", p.srv.shows[s.ID].relay.publishing)
	for i := 1; i <= 3; i++ {
		clk.Advance(time.Minute) // the stats tick samples the minute as publishing
		eventually(t, "the minute sampled", func() bool {
			var n int
			p.srv.db.QueryRow(`SELECT COUNT(*) FROM minutes WHERE show_id = ? AND publishing = 1`, s.ID).Scan(&n)
			return n >= i
		})
	}
	p.srv.Close() // the platform stops under a publisher: its span stays open
	pub.close()
	clk.Advance(time.Hour)
	q := startPlatform(t, dir, clk)
	air, err := q.srv.onAir(c, s.ID)
	if err != nil || air < 2*time.Minute || air > 4*time.Minute {
		t.Fatalf("on air after a restart: %v (%v), want about 3 minutes", air, err)
	}
	if sh, _ := q.studio.Show(c, s.ID); sh.State != platform.StateLive {
		t.Fatalf("state %s", sh.State)
	}
}

// TestAnchorFansAreFollowers: a follow on the viewer page is a fan.
func TestAnchorFansAreFollowers(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("关注")
	v := p.newViewer(s.ID, "")
	if st := v.call("POST", "/api/shows/"+s.ID+"/follow", nil, nil); st != 200 {
		t.Fatalf("follow: %d", st)
	}
	st, err := p.studio.Anchor(ctx(t), "")
	if err != nil || st.Fans != 1 {
		t.Fatalf("anchor: %+v %v", st, err)
	}
}
