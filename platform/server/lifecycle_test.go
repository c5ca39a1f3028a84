package server

import (
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"showcaster/platform"
)

func TestLifeCycle(t *testing.T) {
	p := newPlatform(t)
	c := ctx(t)
	s, err := p.studio.CreateShow(c, platform.NewShow{Title: "秋冬上新", StartsAt: epoch, DurationMin: 240})
	if err != nil {
		t.Fatal(err)
	}
	if s.State != platform.StatePendingAudit || s.ViewerURL != "" {
		t.Fatalf("new show: %+v", s)
	}
	if _, err := p.studio.GoLive(c, s.ID); !errors.Is(err, platform.ErrWrongState) || !strings.Contains(err.Error(), "audit") {
		t.Fatalf("live while pending: %v", err)
	}
	p.clk.Advance(2 * time.Second)
	if got, _ := p.studio.Show(c, s.ID); got.State != platform.StatePendingAudit {
		t.Fatalf("audited early: %s", got.State)
	}
	p.clk.Advance(time.Second)
	p.waitState(s.ID, platform.StateApproved)

	if _, err := p.studio.EndTrial(c, s.ID); !errors.Is(err, platform.ErrWrongState) {
		t.Fatalf("end trial without one: %v", err)
	}
	// Trials repeat.
	for i := 0; i < 2; i++ {
		in, err := p.studio.StartTrial(c, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(in.ViewerURL, "?key=") || in.Token == "" || !strings.HasSuffix(in.WHIPURL, "/whip/"+s.ID) {
			t.Fatalf("trial ingest: %+v", in)
		}
		got, _ := p.studio.Show(c, s.ID)
		if got.State != platform.StateTrial || got.ViewerURL != in.ViewerURL {
			t.Fatalf("in trial: %+v", got)
		}
		if got, err = p.studio.EndTrial(c, s.ID); err != nil || got.State != platform.StateApproved || got.ViewerURL != "" {
			t.Fatalf("end trial: %+v %v", got, err)
		}
	}
	in, err := p.studio.GoLive(c, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(in.ViewerURL, "key=") || !strings.HasSuffix(in.ViewerURL, "/watch/"+s.ID) {
		t.Fatalf("live viewer url: %q", in.ViewerURL)
	}
	if _, err := p.studio.StartTrial(c, s.ID); !errors.Is(err, platform.ErrWrongState) {
		t.Fatalf("trial while live: %v", err)
	}
	if got, err := p.studio.End(c, s.ID); err != nil || got.State != platform.StateEnded || got.EndedAt.IsZero() {
		t.Fatalf("end: %+v %v", got, err)
	}
	var apiErr *platform.APIError
	if _, err := p.studio.GoLive(c, s.ID); !errors.As(err, &apiErr) || apiErr.Status != 409 || apiErr.Code != "wrong_state" {
		t.Fatalf("live after end: %v", err)
	}
}

func TestAuditRejectsBannedWord(t *testing.T) {
	p := newPlatform(t)
	s := p.approvedShow("全网最便宜的羽绒服")
	if s.State != platform.StateRejected || !strings.Contains(s.RejectReason, "最便宜") {
		t.Fatalf("want rejected naming 最便宜: %+v", s)
	}
	if s.RejectCode != platform.RejectBannedWord || s.RejectWord != "最便宜" {
		t.Fatalf("the rejection carries code %q and word %q; want %q and 最便宜 for the studio to translate", s.RejectCode, s.RejectWord, platform.RejectBannedWord)
	}
	if _, err := p.studio.StartTrial(ctx(t), s.ID); !errors.Is(err, platform.ErrWrongState) || !strings.Contains(err.Error(), "最便宜") {
		t.Fatalf("trial of a rejected show: %v", err)
	}
	// The list is editable: a new word rejects, a removed one no longer does.
	if err := p.studio.SetBannedWords(ctx(t), []string{" 秒杀 ", "秒杀", ""}); err != nil {
		t.Fatal(err)
	}
	if words, _ := p.studio.BannedWords(ctx(t)); len(words) != 1 || words[0] != "秒杀" {
		t.Fatalf("banned words: %q", words)
	}
	if s := p.approvedShow("全网最便宜"); s.State != platform.StateApproved {
		t.Fatalf("after edit: %+v", s)
	}
	if s := p.approvedShow("今晚秒杀"); s.State != platform.StateRejected {
		t.Fatalf("new word: %+v", s)
	}
}

func TestSlotLimit(t *testing.T) {
	p := newPlatform(t)
	for _, d := range []int{0, 241} {
		_, err := p.studio.CreateShow(ctx(t), platform.NewShow{Title: "长时间", StartsAt: epoch, DurationMin: d})
		var apiErr *platform.APIError
		if !errors.As(err, &apiErr) || apiErr.Status != 400 || !strings.Contains(apiErr.Message, "240") {
			t.Fatalf("duration %d: %v", d, err)
		}
	}
	bad := platform.NewClient(platform.ClientConfig{BaseURL: p.srv.URL(), Token: "wrong"})
	if _, err := bad.Shows(ctx(t)); !errors.Is(err, platform.ErrUnauthorized) || !strings.Contains(err.Error(), "Settings") {
		t.Fatalf("bad token: %v", err)
	}
}

func TestAuditSurvivesRestart(t *testing.T) {
	p := newPlatform(t)
	s, err := p.studio.CreateShow(ctx(t), platform.NewShow{Title: "重启", StartsAt: epoch, DurationMin: 60})
	if err != nil {
		t.Fatal(err)
	}
	p.srv.Close()
	q := startPlatform(t, p.dir, p.clk)
	q.clk.Advance(3 * time.Second)
	q.waitState(s.ID, platform.StateApproved)
}

// The rejection's code and word are stored: they are there after a restart,
// and a database from before they existed gains them from its sentence.
func TestRejectCodeSurvivesRestartAndUpgrade(t *testing.T) {
	p := newPlatform(t)
	s := p.approvedShow("全网最便宜的羽绒服")
	p.srv.Close()
	q := startPlatform(t, p.dir, p.clk)
	if got, err := q.studio.Show(ctx(t), s.ID); err != nil || got.RejectCode != platform.RejectBannedWord || got.RejectWord != "最便宜" {
		t.Fatalf("after a restart: %+v %v", got, err)
	}
	q.srv.Close()

	// The database as an older platform left it: no code, no word.
	db, err := sql.Open("sqlite", filepath.Join(p.dir, "platform.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"reject_code", "reject_word"} {
		if _, err := db.Exec(`ALTER TABLE shows DROP COLUMN ` + col); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	r := startPlatform(t, p.dir, p.clk)
	if got, err := r.studio.Show(ctx(t), s.ID); err != nil || got.RejectCode != platform.RejectBannedWord || got.RejectWord != "最便宜" {
		t.Fatalf("after the upgrade: %+v %v", got, err)
	}
}
