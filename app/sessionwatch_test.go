package app

import (
	"testing"
	"time"
)

func TestSessionNotes(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	at := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, loc) }
	said := map[string]bool{}
	if n := SessionNotes(15*time.Minute, at(20, 15), at(22, 0), loc, said); len(n) != 0 {
		t.Fatalf("at 15:00 on air: %+v", n)
	}
	n := SessionNotes(15*time.Minute+time.Second, at(20, 15), at(22, 0), loc, said)
	if len(n) != 1 || n[0].Warning {
		t.Fatalf("at 15:01 on air: %+v", n)
	}
	if n := SessionNotes(time.Hour, at(21, 0), at(22, 0), loc, said); len(n) != 0 {
		t.Fatalf("said twice: %+v", n)
	}
	// A late show whose slot runs past midnight: warned 15 minutes ahead, once.
	late := map[string]bool{"counts": true}
	if n := SessionNotes(time.Hour, at(23, 40), at(24, 30), loc, late); len(n) != 0 {
		t.Fatalf("20 minutes before midnight: %+v", n)
	}
	n = SessionNotes(time.Hour, at(23, 46), at(24, 30), loc, late)
	if len(n) != 1 || !n[0].Warning || n[0].Msg.Args[0] != 14 {
		t.Fatalf("14 minutes before midnight: %+v", n)
	}
	if n := SessionNotes(time.Hour, at(23, 50), at(24, 30), loc, late); len(n) != 0 {
		t.Fatalf("warned twice: %+v", n)
	}
	// A slot that ends before midnight is not warned.
	if n := SessionNotes(time.Hour, at(23, 46), at(23, 55), loc, map[string]bool{"counts": true}); len(n) != 0 {
		t.Fatalf("slot ends 23:55: %+v", n)
	}
	if !PlannedMidnightCrossing(at(23, 0), 120, loc) || PlannedMidnightCrossing(at(20, 0), 120, loc) {
		t.Error("planned crossing")
	}
}
