package server

import (
	"testing"
	"time"

	"showcaster/platform"
)

func TestRankingsByPopularity(t *testing.T) {
	p := newPlatform(t)
	c := ctx(t)
	quiet, _ := p.liveShow("安静的直播")
	busy, _ := p.liveShow("热闹的直播")
	p.approvedShow("还没开播") // never live: not listed
	for range 3 {
		v := p.newViewer(busy.ID, "")
		if _, st := v.comment(busy.ID, "来了"); st != 201 {
			t.Fatalf("comment: %d", st)
		}
	}
	if _, st := p.newViewer(quiet.ID, "").comment(quiet.ID, "你好"); st != 201 {
		t.Fatalf("comment: %d", st)
	}
	var hour []platform.Ranking
	v := p.newViewer(busy.ID, "")
	if st := v.call("GET", "/api/rankings?period=hour", nil, &hour); st != 200 {
		t.Fatalf("rankings: %d", st)
	}
	// busy: 3 viewers who commented (3 + 2×3 = 9); quiet: 1 + 2 = 3.
	if len(hour) != 2 || hour[0].ShowID != busy.ID || hour[0].Score != 9 || hour[0].Rank != 1 ||
		hour[1].ShowID != quiet.ID || hour[1].Score != 3 || hour[1].Rank != 2 || !hour[0].Live {
		t.Fatalf("hour: %+v", hour)
	}
	// An ended show stays on the hour's list for an hour, on the week's for a week.
	if _, err := p.studio.End(c, busy.ID); err != nil {
		t.Fatal(err)
	}
	p.clk.Advance(2 * time.Hour)
	if got, err := p.studio.Rankings(c, "hour"); err != nil || len(got) != 1 || got[0].ShowID != quiet.ID || got[0].Score != 0 {
		t.Fatalf("two hours later, hour: %+v %v", got, err)
	}
	week, err := p.studio.Rankings(c, "week")
	if err != nil || len(week) != 2 || week[0].ShowID != busy.ID || week[0].Live {
		t.Fatalf("week: %+v %v", week, err)
	}
	var e apiErr
	if st := v.call("GET", "/api/rankings?period=year", nil, &e); st != 400 {
		t.Fatalf("period=year: %d", st)
	}
	if st := v.call("GET", "/venue", nil, nil); st != 200 {
		t.Fatalf("venue page: %d", st)
	}
}
