package server

import (
	"strings"
	"testing"
	"time"

	"showcaster/internal/clock"
)

// The report adds up: a viewer who watched the trial and stayed into the
// formal broadcast is a viewer of it, and effective minutes are whole
// minutes of exact on-air time (13.5 minutes on air are 13, not 14 touched).
func TestReportCountsStayersAndExactMinutes(t *testing.T) {
	clk := clock.NewFake(epoch)
	p := startPlatform(t, t.TempDir(), clk)
	c := ctx(t)
	s := p.approvedShow("报告对得上")
	in, err := p.studio.StartTrial(c, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	key := in.ViewerURL[strings.Index(in.ViewerURL, "key=")+4:]
	stayer := p.newViewer(s.ID, key)
	stayer.dialEvents(s.ID, 0)
	eventually(t, "the trial viewer joined", func() bool {
		p.srv.shows[s.ID].mu.Lock()
		defer p.srv.shows[s.ID].mu.Unlock()
		return len(p.srv.shows[s.ID].subs) == 1
	})
	in, err = p.studio.GoLive(c, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	pub := publish(t, peerAPI(t), in.WHIPURL, in.Token, 1, 30, 1)
	defer pub.close()
	eventually(t, "publishing", p.srv.shows[s.ID].relay.publishing)
	clk.Advance(13*time.Minute + 30*time.Second)
	if _, err := p.studio.End(c, s.ID); err != nil {
		t.Fatal(err)
	}
	rep, err := p.studio.Report(c, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Viewers != 1 {
		t.Errorf("viewers %d: the trial viewer who stayed into the live is not counted", rep.Viewers)
	}
	if rep.EffectiveMin != 13 || rep.OnAirS < 13*60+29 || rep.OnAirS > 13*60+31 {
		t.Errorf("on air %d s counted as %d effective minutes; want 810 s and 13", rep.OnAirS, rep.EffectiveMin)
	}
}
